import ViTModel
import Synchronization

/// Scratch buffers for one batch, reused by every layer (and, through `WorkspacePool`, by the
/// next pass of the same shape).
struct Workspace {
    /// What the buffers' sizes depend on.
    struct Shape: Hashable {
        /// Rows of all images' tokens, hidden width, MLP width (fc1's outputs).
        let rows, d, m: Int
        /// Floats of attention scores held at once.
        let scores: Int
        /// Elements of one image's im2col matrix (`patches x C*P*P`).
        let patchValues: Int
        let bf16: Bool
    }

    let shape: Shape
    let h, x, q, k, v, ctx, big, scores: UnsafeMutablePointer<Float>
    /// bf16 compute (oneDNN): the layers' bfloat16 operands.
    let bf16: BF16Buffers?
    let stream: DNNLStream?
    /// When set (one image): `layers x t x t` floats receiving each block's head-mean
    /// attention probabilities; `layer` is the block running.
    var probabilities: UnsafeMutablePointer<Float>?
    var layer = 0
    private let floats: [UnsafeMutablePointer<Float>]

    /// bfloat16 buffers of `--compute bf16`.
    struct BF16Buffers {
        /// The linear layers' inputs (`rows x d`; also attention's output, the o-projection's input).
        let x: UnsafeMutablePointer<UInt16>
        /// The MLP's hidden rows (`rows x m`), and before the first block one image's im2col matrix.
        let big: UnsafeMutablePointer<UInt16>
        /// Queries, keys, values (`rows x d` each) and the attention probabilities.
        let q, k, v, scores: UnsafeMutablePointer<UInt16>

        init(rows: Int, d: Int, m: Int, scores: Int, patchValues: Int) {
            x = .allocate(capacity: rows * d); big = .allocate(capacity: max(rows * m, patchValues))
            q = .allocate(capacity: rows * d); k = .allocate(capacity: rows * d); v = .allocate(capacity: rows * d)
            self.scores = .allocate(capacity: max(scores, 1))
        }

        func release() { for p in [x, big, q, k, v, scores] { p.deallocate() } }
    }

    init(_ shape: Shape, stream: DNNLStream?) {
        func alloc(_ n: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(n, 1))
            p.initialize(repeating: 0, count: max(n, 1))
            return p
        }
        let rows = shape.rows, d = shape.d
        h = alloc(rows * d); x = alloc(rows * d); q = alloc(rows * d); k = alloc(rows * d)
        v = alloc(rows * d); ctx = alloc(rows * d); big = alloc(max(rows * shape.m, shape.patchValues))
        scores = alloc(shape.scores)
        floats = [h, x, q, k, v, ctx, big, scores]
        bf16 = shape.bf16 ? BF16Buffers(rows: rows, d: d, m: shape.m, scores: shape.scores, patchValues: shape.patchValues) : nil
        self.shape = shape
        self.stream = stream
    }

    func release() {
        for p in floats { p.deallocate() }
        bf16?.release()
    }

    /// The input of `layer` for `rows` rows of `x` (`lda` apart): `x` itself, or its bf16
    /// rounding (in `bf16.x`, rows `layer.inputs` apart) for a bf16 layer. Returns the pointer
    /// and its row stride.
    func input(_ x: UnsafePointer<Float>, lda: Int, rows: Int, for layer: DenseLayer) -> (UnsafeRawPointer, Int) {
        guard layer.inputElement == .bf16, let bf16 else { return (UnsafeRawPointer(x), lda) }
        BFloat16.convert(x, lda: lda, rows: rows, cols: layer.inputs, into: bf16.x)
        return (UnsafeRawPointer(bf16.x), layer.inputs)
    }

    /// LayerNorm of `rows` rows of `src` (width d) as `layer`'s input: written as bfloat16
    /// straight into `bf16.x` for a bf16 layer, else as float32 into `f32`. Returns the
    /// pointer and its row stride.
    func normalized(_ src: UnsafePointer<Float>, rows: Int, weight: FloatWeight, bias: FloatWeight, eps: Double,
                    into f32: UnsafeMutablePointer<Float>, for layer: DenseLayer) -> (UnsafeRawPointer, Int) {
        let d = layer.inputs
        if layer.inputElement == .bf16, let bf16 {
            Kernels.layerNorm(src, bf16.x, rows: rows, d: d, weight: weight.pointer, bias: bias.pointer, eps: eps)
            return (UnsafeRawPointer(bf16.x), d)
        }
        Kernels.layerNorm(src, f32, rows: rows, d: d, weight: weight.pointer, bias: bias.pointer, eps: eps)
        return (UnsafeRawPointer(f32), d)
    }

    /// The bf16 buffers when a block's attention runs in bfloat16: its q/k/v and o layers take
    /// bf16 inputs on oneDNN and no attention probabilities are being recorded (those are float32).
    func bf16Attention(_ w: BlockWeights) -> BF16Buffers? {
        guard let bf16, stream != nil, probabilities == nil,
              [w.q, w.k, w.v, w.o].allSatisfy({ $0.inputElement == .bf16 }) else { return nil }
        return bf16
    }
}

/// The last pass's workspace (buffers and oneDNN stream), kept for the next pass of the same
/// shape: a batch of 8 ViT-B/16 images needs ~70 MB of scratch, which fresh pages would
/// fault in and zero on every pass. Concurrent passes each take their own; at most one is kept.
final class WorkspacePool: Sendable {
    private struct Idle: @unchecked Sendable { let workspace: Workspace }
    private let idle = Mutex<Idle?>(nil)

    /// A workspace of `shape`: the kept one when it matches, else a new one (with a oneDNN
    /// stream when `oneDNN`).
    func take(_ shape: Workspace.Shape, oneDNN: Bool) throws(ViTError) -> Workspace {
        let kept = idle.withLock { (idle) -> Idle? in
            guard let w = idle, w.workspace.shape == shape else { return nil }
            idle = nil
            return w
        }
        if var w = kept?.workspace {
            w.probabilities = nil
            w.layer = 0
            return w
        }
        return Workspace(shape, stream: oneDNN ? try DNNLStream() : nil)
    }

    /// Keeps `workspace` for the next pass, releasing the one kept before.
    func recycle(_ workspace: Workspace) {
        let previous = idle.withLock { (idle) -> Idle? in
            let p = idle
            idle = Idle(workspace: workspace)
            return p
        }
        previous?.workspace.release()
    }

    deinit { idle.withLock { $0?.workspace.release() } }
}
