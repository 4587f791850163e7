import ViTModel
import Tensors

/// A float32 parameter ready for the forward pass: either a 4-byte-aligned view into the
/// mapped file (native/f32 checkpoints: no copy) or an owned, upcast copy.
struct FloatWeight: @unchecked Sendable {
    let keepAlive: AnyObject?
    let pointer: UnsafePointer<Float>
    let count: Int

    /// Uses `tensor`'s own float32 bytes when they are 4-byte aligned (a view into a mapped
    /// native/safetensors file, or memory a reader already owns, e.g. an inflated npz member);
    /// otherwise converts into a new buffer once and lets go of the source's mapped pages.
    init(_ tensor: Tensor) throws {
        if tensor.dtype == .f32 {
            let p = tensor.data.withUnsafeBytes { $0.baseAddress }
            if let p, Int(bitPattern: p) % MemoryLayout<Float>.alignment == 0 {
                keepAlive = TensorBox(tensor)
                pointer = p.assumingMemoryBound(to: Float.self)
                count = tensor.elementCount
                return
            }
        }
        let buffer = OwnedBuffer(count: tensor.elementCount * 4)
        let typed = buffer.bytes.bindMemory(to: Float.self)
        try tensor.convert(into: typed)
        tensor.data.releaseResidentPages()
        keepAlive = buffer
        pointer = UnsafePointer(typed.baseAddress!)
        count = tensor.elementCount
    }

    init(values: [Float]) {
        let buffer = OwnedBuffer(count: values.count * 4)
        let typed = buffer.bytes.bindMemory(to: Float.self)
        _ = typed.initialize(from: values)
        keepAlive = buffer
        pointer = UnsafePointer(typed.baseAddress!)
        count = values.count
    }

    var buffer: UnsafeBufferPointer<Float> { UnsafeBufferPointer(start: pointer, count: count) }
}

final class TensorBox {
    let tensor: Tensor
    init(_ t: Tensor) { tensor = t }
}


/// All graph parameters of one block: LayerNorms as float32, linear layers for the backend.
struct BlockWeights: Sendable {
    let ln1w, ln1b, ln2w, ln2b: FloatWeight
    let q, k, v, o, fc1, fc2: DenseLayer
    /// LayerScale of the attention and MLP outputs (DINOv2), nil without.
    let ls1, ls2: FloatWeight?
}
