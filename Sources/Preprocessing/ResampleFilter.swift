/// The interpolation filters vitkit's resizers implement, numbered as Pillow numbers them
/// (`PIL.Image.Resampling`), which is how `preprocessor_config.json` stores `resample`.
///
/// Both are the separable, antialiased (support scaled by the downscale factor) filters of
/// Pillow's `Resample.c`; torchvision's `antialias=True` kernels use the same two.
public enum ResampleFilter: Int, Sendable, Equatable, CaseIterable {
    /// `Image.BILINEAR` (2): the triangle filter, support 1.
    case bilinear = 2
    /// `Image.BICUBIC` (3): Keys' cubic convolution with a = -0.5, support 2.
    case bicubic = 3

    /// The filter's name as Pillow spells it.
    public var name: String {
        switch self {
        case .bilinear: "BILINEAR"
        case .bicubic: "BICUBIC"
        }
    }

    /// Half-width of the filter at scale 1, in input pixels.
    var support: Double {
        switch self {
        case .bilinear: 1.0
        case .bicubic: 2.0
        }
    }

    /// The filter at `x`: Pillow's `bilinear_filter` / `bicubic_filter` (`Resample.c`), or
    /// with `aten` ATen's `HelperInterpLinear::aa_filter` / `HelperInterpCubic::aa_filter`
    /// (`UpSampleKernel.cpp`), which writes the cubic's outer piece differently, so the last
    /// bits of a weight can differ. Operation for operation as each library computes it.
    func weight(_ x: Double, aten: Bool) -> Double {
        let x = abs(x)
        switch self {
        case .bilinear:
            return x < 1.0 ? 1.0 - x : 0.0
        case .bicubic:
            let a = -0.5
            if x < 1.0 { return ((a + 2.0) * x - (a + 3.0)) * x * x + 1 }
            if x < 2.0 { return aten ? ((a * x - 5 * a) * x + 8 * a) * x - 4 * a : (((x - 5) * x + 8) * x - 4) * a }
            return 0.0
        }
    }
}
