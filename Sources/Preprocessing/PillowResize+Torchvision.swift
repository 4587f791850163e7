extension PillowResize {
    /// torchvision's `F.resize(uint8 tensor, antialias=True)` on CPU, bit for bit: ATen's
    /// `_upsample_bilinear2d_aa` / `_upsample_bicubic2d_aa` uint8 kernels
    /// (`UpSampleKernelAVXAntialias.h`, a port of Pillow-SIMD).
    ///
    /// The same separable passes as Pillow, but weights are int16 with a per-axis precision
    /// (`ResampleArithmetic.torchInt16`), the cubic filter's outer piece is evaluated as ATen
    /// writes it, and the horizontal pass always runs first. Results differ from Pillow's by
    /// 1 in some pixels.
    ///
    /// BILINEAR takes this uint8 path only on CPUs where `torch.backends.cpu.get_cpu_capability()`
    /// is AVX2 or AVX512 (and on arm64); elsewhere torchvision resizes in float32 and rounds,
    /// which this function does not reproduce. BICUBIC always takes it.
    package static func torchvision(_ image: RGBImage, width: Int, height: Int, filter: ResampleFilter) -> RGBImage {
        precondition(width > 0 && height > 0 && image.width > 0 && image.height > 0, "empty image or size")
        let vertical = ResampleCoefficients(inSize: image.height, outSize: height, filter: filter, arithmetic: .torchInt16)
        let horizontal = ResampleCoefficients(inSize: image.width, outSize: width, filter: filter, arithmetic: .torchInt16)
        return separable(image, width: width, height: height, horizontal: horizontal, vertical: vertical, verticalFirst: false)
    }
}
