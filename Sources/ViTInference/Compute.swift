/// The arithmetic of the forward pass's matrix products.
public enum ComputePrecision: String, Sendable, CaseIterable {
    /// float32 throughout: the default, agreeing with transformers to ~1e-5.
    case f32
    /// bfloat16 inputs and weights with float32 accumulation for the patch embedding, the
    /// blocks' linear layers (weights converted once at load) and attention's two products
    /// (scores and softmax in float32, probabilities rounded to bfloat16, as `torch.autocast`
    /// does), on AMX or AVX512-BF16 kernels; LayerNorm, GELU/SwiGLU, the residual stream,
    /// pooler and classifier stay float32. On a CPU with neither the products run in float32
    /// and `ViTForward.backendDescription` says so. Outputs differ from float32 by about 1e-2
    /// (docs/BENCHMARKS.md).
    case bf16
}

/// The matrix library running the linear layers and attention products.
package enum MatrixBackend: String, Sendable, CaseIterable {
    /// oneDNN's matmul primitives: packed weights, fused bias/GELU/residual epilogues. The default.
    case onednn
    /// BLIS's `cblas_sgemm`, float32 only, with separate bias/GELU/residual loops.
    case blis
}
