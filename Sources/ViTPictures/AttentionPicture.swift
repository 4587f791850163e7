import Drawing
import Preprocessing

/// A patch grid of attention values laid over the photo they were computed for, at the
/// photo's own size: the grid upsampled bilinearly, coloured from dark (least attention) to
/// yellow (most) with matplotlib's "inferno", blended over the photo, and a strip below with
/// a caption and the colour scale.
public struct AttentionPicture: Sendable {
    /// `grid x grid` values, row-major (e.g. `AttentionMaps.rollout()`).
    public var values: [Float]
    /// Patches per side.
    public var grid: Int
    /// The photo, as decoded (the model saw it resized to its square input).
    public var photo: RGBImage
    /// Text at the bottom-left, e.g. "attention rollout over 12 blocks".
    public var caption: String
    /// The TrueType font for the caption and scale.
    public var fontPath: String
    /// How much of the colour covers the photo, 0...1.
    public var opacity = 0.6
    /// The part of the photo the model saw, in its pixels (`ImagePreprocessor.sourceRegion`:
    /// the whole photo, or a center crop); the grid is laid over it and the rest is dimmed.
    public var region: (x: Double, y: Double, width: Double, height: Double)

    /// Height of the strip below the photo holding the caption and the colour scale.
    static let stripHeight = 26

    /// A picture of `values` (`grid x grid`, row-major, e.g. `AttentionMaps.lastLayer`) laid over
    /// `photo`, with `caption` drawn in the font at `fontPath` below it.
    public init(values: [Float], grid: Int, photo: RGBImage, caption: String, fontPath: String = PNGFile.defaultFontPath) {
        precondition(grid > 0 && values.count == grid * grid, "values must fill the grid")
        self.values = values
        self.grid = grid
        self.photo = photo
        self.caption = caption
        self.fontPath = fontPath
        region = (0, 0, Double(photo.width), Double(photo.height))
    }

    /// The picture as an RGB image, `photo.width x (photo.height + 26)`.
    ///
    /// - Throws: `PlotError.font` when the font is missing or unreadable.
    public func render() throws(PlotError) -> RGBImage {
        let font = try FontFace(path: fontPath)
        var canvas = Canvas(photo, extraHeight: Self.stripHeight)
        let normalised = Self.normalised(values)
        let w = photo.width, h = photo.height, r = region
        for y in 0..<h {
            for x in 0..<w {
                // The pixel centre in grid cells over the region the model saw.
                let gx = (Double(x) + 0.5 - r.x) * Double(grid) / r.width, gy = (Double(y) + 0.5 - r.y) * Double(grid) / r.height
                guard gx >= 0, gy >= 0, gx <= Double(grid), gy <= Double(grid) else {
                    canvas.blend(x: x, y: y, RGB(0, 0, 0), alpha: 0.6)  // not seen by the model
                    continue
                }
                let v = Self.sample(normalised, grid: grid, x: gx - 0.5, y: gy - 0.5)
                canvas.blend(x: x, y: y, Colormap.inferno(v), alpha: opacity)
            }
        }
        drawStrip(&canvas, font: font, top: h)
        return canvas.image
    }

    /// Writes the PNG atomically at `path`, never over one of `inputs`, an existing file only
    /// when `replace` (see `PNGFile.write`).
    ///
    /// - Throws: `PlotError`, `ImageError.io` or `CheckpointError.io` naming `path`.
    public func write(to path: String, inputs: [String], replace: Bool) throws {
        try PNGFile.write(render(), to: path, inputs: inputs, replace: replace)
    }

    /// Caption at the left; "low", the colour bar and "high" at the right (the bar alone on
    /// narrow photos).
    private func drawStrip(_ canvas: inout Canvas, font: FontFace, top: Int) {
        let w = canvas.width, size = 12, ink = RGB(40, 40, 40)
        let textY = top + (Self.stripHeight - font.lineHeight(size)) / 2
        let barWidth = min(100, max(w / 3, 8)), barHeight = 10
        let barY = top + (Self.stripHeight - barHeight) / 2
        let highWidth = font.width("high", size), lowWidth = font.width("low", size)
        guard w >= barWidth + highWidth + lowWidth + 24 else {
            canvas.colorBar(Rect(x: max((w - barWidth) / 2, 0), y: barY, width: barWidth, height: barHeight), Colormap.inferno)
            return
        }
        let highX = w - 6 - highWidth, barX = highX - 4 - barWidth, lowX = barX - 4 - lowWidth
        canvas.text("high", x: highX, y: textY, pixelSize: size, font: font, color: ink)
        canvas.colorBar(Rect(x: barX, y: barY, width: barWidth, height: barHeight), Colormap.inferno)
        canvas.text("low", x: lowX, y: textY, pixelSize: size, font: font, color: ink)
        if lowX > 40 {
            canvas.text(caption, x: 6, y: textY, pixelSize: size, font: font, color: ink, maxWidth: lowX - 14)
        }
    }

    /// `values` mapped linearly onto 0...1 (min to max; all 0.5 when they are equal or not finite).
    static func normalised(_ values: [Float]) -> [Double] {
        let finite = values.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max(), hi > lo else { return values.map { _ in 0.5 } }
        return values.map { $0.isFinite ? (Double($0) - Double(lo)) / (Double(hi) - Double(lo)) : 0 }
    }

    /// Bilinear interpolation between cell centres (cell `i` centred at `i`), clamped at the edges.
    static func sample(_ v: [Double], grid: Int, x: Double, y: Double) -> Double {
        let x = min(max(x, 0), Double(grid - 1)), y = min(max(y, 0), Double(grid - 1))
        let x0 = min(Int(x), grid - 1), y0 = min(Int(y), grid - 1)
        let x1 = min(x0 + 1, grid - 1), y1 = min(y0 + 1, grid - 1)
        let fx = x - Double(x0), fy = y - Double(y0)
        let top = v[y0 * grid + x0] * (1 - fx) + v[y0 * grid + x1] * fx
        let bottom = v[y1 * grid + x0] * (1 - fx) + v[y1 * grid + x1] * fx
        return top * (1 - fy) + bottom * fy
    }
}
