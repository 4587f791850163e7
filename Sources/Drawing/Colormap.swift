/// A sequential colour map from dark (0) to bright (1): matplotlib's "inferno" at nine stops,
/// for heat maps laid over photos (dark where the value is low, yellow where it is high).
package enum Colormap {
    static let stops: [(t: Double, color: RGB)] = [
        RGB(0, 0, 4), RGB(31, 12, 72), RGB(85, 15, 109), RGB(136, 34, 106), RGB(186, 54, 85),
        RGB(227, 89, 51), RGB(249, 140, 10), RGB(249, 201, 50), RGB(252, 255, 164),
    ].enumerated().map { (Double($0.offset) / 8, $0.element) }

    /// The colour of `t` in 0...1 (clamped; NaN is 0): linear between the stops.
    package static func inferno(_ t: Double) -> RGB { RGB.interpolate(stops, at: t) }
}

extension Canvas {
    /// A horizontal colour bar in `rect`: `color(0)` at the left to `color(1)` at the right.
    package mutating func colorBar(_ rect: Rect, _ color: (Double) -> RGB) {
        for x in 0..<rect.width {
            fill(Rect(x: rect.x + x, y: rect.y, width: 1, height: rect.height), color(Double(x) / Double(max(rect.width - 1, 1))))
        }
    }

    /// Draws `text` at `pixelSize` with its top-left at (`x`, `y`), cut with an ellipsis to
    /// `maxWidth`. Returns the width drawn.
    @discardableResult
    package mutating func text(_ text: String, x: Int, y: Int, pixelSize: Int, font: FontFace, color: RGB,
                               maxWidth: Int = .max) -> Int {
        let mask = font.render(font.truncated(text, maxWidth: maxWidth, pixelSize), pixelSize)
        draw(mask, x: x, y: y, color: color)
        return mask.width
    }
}
