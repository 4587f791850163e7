import Preprocessing

extension Canvas {
    /// A canvas holding `image`'s pixels at the top-left, `extraHeight` rows of `background` below.
    package init(_ image: RGBImage, extraHeight: Int = 0, background: RGB = .white) {
        self.init(width: image.width, height: image.height + extraHeight, background: background)
        pixels.replaceSubrange(0..<image.pixels.count, with: image.pixels)
    }

    /// Blends `color` over the pixel at (`x`, `y`) by `alpha` in 0...1 (inside the canvas only).
    package mutating func blend(x: Int, y: Int, _ color: RGB, alpha: Double) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        let i = (y * width + x) * 3
        func mix(_ old: UInt8, _ new: UInt8) -> UInt8 { UInt8((Double(old) * (1 - alpha) + Double(new) * alpha).rounded()) }
        pixels[i] = mix(pixels[i], color.r)
        pixels[i + 1] = mix(pixels[i + 1], color.g)
        pixels[i + 2] = mix(pixels[i + 2], color.b)
    }
}
