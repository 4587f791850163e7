/// The arithmetic of the forward pass's matrix products.
public enum ComputePrecision: String, Sendable, CaseIterable {
    /// float32 throughout: the default, agreeing with transformers to ~1e-5.
    case f32
    /// bfloat16 inputs and weights with float32 accumulation for the linear layers (weights
    /// converted once at load), on AMX or AVX512-BF16 kernels; everything else (LayerNorm,
    /// softmax, attention products, pooler, classifier) stays float32. On a CPU with neither
    /// the products run in float32 and `ViTForward.backendDescription` says so. Outputs
    /// differ from float32 by about 1e-2 (docs/BENCHMARKS.md).
    case bf16
}

/// The matrix library running the linear layers and attention products.
package enum MatrixBackend: String, Sendable, CaseIterable {
    /// oneDNN's matmul primitives: packed weights, fused bias/GELU/residual epilogues. The default.
    case onednn
    /// BLIS's `cblas_sgemm`, float32 only, with separate bias/GELU/residual loops.
    case blis
}
