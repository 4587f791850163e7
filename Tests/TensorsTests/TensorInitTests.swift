import Testing
import Tensors

/// The public ways to make a tensor check what they are given.
@Suite("tensor construction")
struct TensorInitTests {
    @Test func validatingInitChecksTheDataAgainstTheShape() throws {
        let bytes = try OwnedBuffer(count: 8) { (raw: UnsafeMutableRawBufferPointer) throws(CheckpointError) in
            raw.storeBytes(of: Float(1.5), toByteOffset: 0, as: Float.self)
            raw.storeBytes(of: Float(-2), toByteOffset: 4, as: Float.self)
        }
        let t = try Tensor(dtype: .f32, shape: [2], validating: .owned(bytes))
        #expect(try t.floats() == [1.5, -2])
        #expect(throws: CheckpointError.self) { try Tensor(dtype: .f32, shape: [3], validating: .owned(bytes)) }
        #expect(throws: CheckpointError.self) { try Tensor(dtype: .f32, shape: [-2], validating: .owned(bytes)) }
        #expect(throws: CheckpointError.self) { try Tensor(dtype: .f16, shape: [Int.max, 4], validating: .owned(bytes)) }
        #expect(try Tensor(dtype: .f16, shape: [2, 2], validating: .owned(bytes)).elementCount == 4)
    }

    @Test func anOwnedBufferIsZeroedOrFilledBeforeItIsShared() throws {
        let mapped = OwnedBuffer(count: 3 << 20)  // large: an anonymous map
        withExtendedLifetime(mapped) { #expect(mapped.bytes.allSatisfy { $0 == 0 }) }
        struct Stop: Error {}
        #expect(throws: Stop.self) { _ = try OwnedBuffer(count: 4) { (_: UnsafeMutableRawBufferPointer) throws(Stop) in throw Stop() } }
    }
}
