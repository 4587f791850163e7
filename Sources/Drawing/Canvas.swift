import Preprocessing

/// An 8-bit RGB colour.
package struct RGB: Equatable, Sendable {
    package var r: UInt8, g: UInt8, b: UInt8

    package init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// Relative luminance in 0...1 (Rec. 709 weights on the 8-bit values).
    package var luminance: Double { (0.2126 * Double(r) + 0.7152 * Double(g) + 0.0722 * Double(b)) / 255 }

    package static let white = RGB(255, 255, 255)

    /// The colour at `t` (clamped to the stops' range; NaN is 0) on a scale of increasing
    /// stops: linear between the two around it, channels rounded.
    package static func interpolate(_ stops: [(t: Double, color: RGB)], at t: Double) -> RGB {
        let t = min(max(t.isNaN ? 0 : t, stops[0].t), stops[stops.count - 1].t)
        for (a, b) in zip(stops, stops.dropFirst()) where t <= b.t {
            let f = (t - a.t) / (b.t - a.t)
            func mix(_ u: UInt8, _ v: UInt8) -> UInt8 { UInt8((Double(u) + (Double(v) - Double(u)) * f).rounded()) }
            return RGB(mix(a.color.r, b.color.r), mix(a.color.g, b.color.g), mix(a.color.b, b.color.b))
        }
        return stops[stops.count - 1].color
    }
}

/// An axis-aligned rectangle in pixels (x to the right, y down).
package struct Rect: Equatable, Sendable {
    package var x: Int, y: Int, width: Int, height: Int

    package init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    package var maxX: Int { x + width }
    package var maxY: Int { y + height }

    /// Whether the two rectangles share at least one pixel.
    package func intersects(_ o: Rect) -> Bool { x < o.maxX && o.x < maxX && y < o.maxY && o.y < maxY }

    /// Whether `o` lies entirely inside this rectangle.
    package func contains(_ o: Rect) -> Bool { o.x >= x && o.y >= y && o.maxX <= maxX && o.maxY <= maxY }
}

/// An RGB drawing surface: filled rectangles and anti-aliased text masks.
package struct Canvas {
    package let width: Int
    package let height: Int
    package internal(set) var pixels: [UInt8]

    package init(width: Int, height: Int, background: RGB = .white) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        fill(Rect(x: 0, y: 0, width: width, height: height), background)
    }

    package var image: RGBImage { RGBImage(width: width, height: height, pixels: pixels) }

    /// Fills `rect` (clipped to the canvas).
    package mutating func fill(_ rect: Rect, _ color: RGB) {
        let x0 = max(rect.x, 0), x1 = min(rect.maxX, width), y0 = max(rect.y, 0), y1 = min(rect.maxY, height)
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 {
            for x in x0..<x1 {
                let i = (y * width + x) * 3
                pixels[i] = color.r
                pixels[i + 1] = color.g
                pixels[i + 2] = color.b
            }
        }
    }

    /// A one-pixel outline just inside `rect`.
    package mutating func stroke(_ rect: Rect, _ color: RGB) {
        fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), color)
        fill(Rect(x: rect.x, y: rect.maxY - 1, width: rect.width, height: 1), color)
        fill(Rect(x: rect.x, y: rect.y, width: 1, height: rect.height), color)
        fill(Rect(x: rect.maxX - 1, y: rect.y, width: 1, height: rect.height), color)
    }

    /// Blends `color` over the canvas by `mask`'s coverage, the mask's top-left at (`x`, `y`).
    /// `rotated`: turned 90° counter-clockwise (reading bottom to top), so it covers
    /// `mask.height` x `mask.width` pixels.
    package mutating func draw(_ mask: TextMask, x: Int, y: Int, color: RGB, rotated: Bool = false) {
        for my in 0..<mask.height {
            for mx in 0..<mask.width {
                let a = Int(mask.coverage[my * mask.width + mx])
                guard a > 0 else { continue }
                let (px, py) = rotated ? (x + my, y + mask.width - 1 - mx) : (x + mx, y + my)
                guard px >= 0, px < width, py >= 0, py < height else { continue }
                let i = (py * width + px) * 3
                func blend(_ v: UInt8, _ old: UInt8) -> UInt8 { UInt8((Int(v) * a + Int(old) * (255 - a) + 127) / 255) }
                pixels[i] = blend(color.r, pixels[i])
                pixels[i + 1] = blend(color.g, pixels[i + 1])
                pixels[i + 2] = blend(color.b, pixels[i + 2])
            }
        }
    }
}

/// The heat map's colours: white (0) through light to dark blue (1), as matplotlib's "Blues".
package enum ColorScale {
    package static let stops: [(t: Double, color: RGB)] = [
        (0, RGB(255, 255, 255)), (0.25, RGB(198, 219, 239)), (0.5, RGB(107, 174, 214)),
        (0.75, RGB(33, 113, 181)), (1, RGB(8, 48, 107)),
    ]

    /// The colour of `t` in 0...1 (clamped): linear between the stops.
    package static func color(_ t: Double) -> RGB { RGB.interpolate(stops, at: t) }

    /// The darkest colour (the largest count).
    package static var darkest: RGB { stops[stops.count - 1].color }
}
