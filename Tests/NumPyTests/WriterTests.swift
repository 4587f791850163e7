import Testing
import Tensors

@testable import NumPy

@Suite struct WriterTests {
    static let f = Tensor(floats: (0..<6).map { Float($0) }, shape: [2, 3])

    /// `np.savez(p, a=np.arange(6, dtype='<f4').reshape(2, 3))` with numpy 2.4, byte for byte.
    static let numpySavez: [UInt8] = hex(
        [
            "504b03042d0000000000000021004fe9002affffffffffffffff05001400612e6e707901001000980000000000000098",
            "00000000000000934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572",
            "273a2046616c73652c20277368617065273a2028322c2033292c207d2020202020202020202020202020202020202020",
            "20202020202020202020202020202020202020202020202020202020202020202020202020200a000000000000803f00",
            "00004000004040000080400000a040504b01022d032d0000000000000021004fe9002a98000000980000000500000000",
            "00000000000000800100000000612e6e7079504b0506000000000100010033000000cf0000000000",
        ].joined())

    static func hex(_ s: String) -> [UInt8] {
        let digits = Array(s.utf8)
        return stride(from: 0, to: digits.count, by: 2).map {
            UInt8(String(decoding: digits[$0..<($0 + 2)], as: UTF8.self), radix: 16)!
        }
    }

    @Test func storedNPZMatchesNumPyByteForByte() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        try NPZWriter.write([("a", Self.f)], to: dir.file("a.npz"))
        #expect(try dir.read("a.npz") == Self.numpySavez)
    }

    @Test func npyHeaderMatchesNumPy() throws {
        // np.save of the same array: the header numpy writes, padded to 128 bytes.
        let text = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }".utf8)
        let expected = text + [UInt8](repeating: 0x20, count: 128 - 10 - text.count - 1) + [0x0A]
        let bytes = try NPYWriter.encode(Self.f)
        #expect(Array(bytes[0..<10]) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 118, 0])
        #expect(Array(bytes[10..<128]) == expected)
        #expect(bytes.count == 128 + 24)
        // Headers for other shapes stay 64-byte aligned, with numpy's spare digits.
        for shape in [[], [3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [123_456_789_012, 0]] {
            let h = NPYHeader.encode(dtype: .f16, shape: shape)!
            #expect(h.count % 64 == 0 && h.last == 0x0A)
        }
        #expect(NPYHeader.encode(dtype: .f32, shape: [])!.count == 128)
        #expect(NPYHeader.encode(dtype: .f8e4m3, shape: [1]) == nil)
    }

    @Test(arguments: [false, true])
    func roundTripEveryDType(compressed: Bool) throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        var tensors: [(name: String, tensor: Tensor)] = []
        for dtype in DType.allCases where NPYDescr.descr(for: dtype) != nil {
            let n = 5 * dtype.byteSize
            let data = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ Int(dtype.byteSize)) }
            let t = Tensor(dtype: dtype, shape: [5], data: data.withUnsafeBytes { TensorData.copying($0) })
            tensors.append(("group/\(dtype.shortName)", t))
        }
        tensors.append(("scalar", Tensor(floats: [3.25], shape: [])))
        tensors.append(("empty", Tensor(floats: [], shape: [2, 0])))
        let path = dir.file("all.npz")
        try NPZWriter.write(tensors, to: path, compressed: compressed)
        let npz = try NPZFile(path: path, bf16FromV2: true)
        #expect(npz.tensors.map(\.name) == tensors.map(\.name))
        for (name, t) in tensors {
            let back = try npz.tensor(named: name)
            #expect(back.dtype == t.dtype && back.shape == t.shape && bytesOf(back) == bytesOf(t))
            #expect(back.data.isMapped == !compressed)
        }
    }

    @Test func npyRoundTrip() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let t = try Tensor(floats: [1, -2, 0.1], shape: [3, 1]).converted(to: .bf16)
        try NPYWriter.write(t, to: dir.file("w.npy"))
        let back = try NPYFile(path: dir.file("w.npy"), bf16FromV2: true)
        #expect(back.tensors == [TensorInfo(name: "w", dtype: .bf16, shape: [3, 1])])
        #expect(bytesOf(try back.tensor(named: "w")) == bytesOf(t))
    }

    @Test func streamingWriterProducesOneTensorAtATime() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        var asked: [String] = []
        let names = (0..<20).map { "layer.\($0)/kernel" }
        try NPZWriter.write(names: names, to: dir.file("s.npz"), compressed: true) { (name) throws(CheckpointError) in
            asked.append(name)
            return Tensor(floats: [Float](repeating: Float(asked.count), count: 1000), shape: [10, 100])
        }
        #expect(asked == names)
        let npz = try NPZFile(path: dir.file("s.npz"))
        #expect(try npz.tensor(named: "layer.19/kernel").floats() == [Float](repeating: 20, count: 1000))
    }

    @Test func atomicAndValidated() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = dir.file("x.npz")
        do {
            let w = try NPZWriter(path: path)
            try w.append(name: "a", tensor: Self.f)
            // Dropped without commit: nothing appears.
        }
        #expect(!FileSystem.exists(path))
        #expect(try FileSystem.listDirectory(dir.path).isEmpty)
        let w = try NPZWriter(path: path)
        try w.append(name: "a", tensor: Self.f)
        expectError(["two tensors are named 'a'"]) { try w.append(name: "a", tensor: Self.f) }
        expectError(["cannot be an npz member name"]) { try w.append(name: "", tensor: Self.f) }
        let short = Tensor(
            dtype: .f32, shape: [4], data: TensorData.copying(UnsafeRawBufferPointer(start: nil, count: 0)))
        expectError(["tensor 'b' should have 16 bytes of data but has 0"]) { try w.append(name: "b", tensor: short) }
        let f8 = Tensor(dtype: .f8e4m3, shape: [1], data: [UInt8(0)].withUnsafeBytes { TensorData.copying($0) })
        expectError(["tensor 'c'", "F8_E4M3"]) { try w.append(name: "c", tensor: f8) }
        try w.commit()
        #expect(try NPZFile(path: path).tensors.map(\.name) == ["a"])
    }

    @Test func moreThan65535MembersUseZIP64EndRecords() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = dir.file("many.npz")
        let w = try NPZWriter(path: path)
        let one = Tensor(dtype: .u8, shape: [], data: [UInt8(7)].withUnsafeBytes { TensorData.copying($0) })
        for i in 0..<66_000 { try w.append(name: "t\(i)", tensor: one) }
        try w.commit()
        let bytes = try dir.read("many.npz")
        #expect(bytes.suffix(22).starts(with: [0x50, 0x4B, 0x05, 0x06]))
        #expect(Array(bytes[(bytes.count - 42)..<(bytes.count - 38)]) == [0x50, 0x4B, 0x06, 0x07])  // locator
        let npz = try NPZFile(path: path)
        #expect(npz.tensors.count == 66_000 && npz.tensors.last?.name == "t65999")
        #expect(bytesOf(try npz.tensor(named: "t65535")) == [7])
    }
}
