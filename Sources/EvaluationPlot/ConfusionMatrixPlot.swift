import Drawing
import Preprocessing
import Tensors

/// A confusion matrix drawn as a heat map: class names on both axes, the count in every
/// cell, white (0) to dark blue (the largest count), a colour bar, the axis titles "true"
/// (rows) and "predicted" (columns) and a title.
///
/// Text is rasterized by FreeType from a TrueType font (DejaVu Sans by default). Cells are
/// 22 to 64 pixels (wider when a count needs it) so up to ~50 classes stay readable; names
/// longer than 160 pixels are truncated with "…"; column names are turned when they do not
/// fit across a cell.
public struct ConfusionMatrixPlot: Sendable {
    /// Debian's `fonts-dejavu-core`.
    public static let defaultFontPath = PNGFile.defaultFontPath
    /// The most classes a plot draws.
    public static let maxClasses = 100

    /// Class names, in the matrix's row (and column) order.
    public var labels: [String]
    /// `matrix[t][p]`: images of true class `labels[t]` predicted as `labels[p]`; square.
    public var matrix: [[Int]]
    /// The line over the plot.
    public var title: String
    /// The TrueType/OpenType font the text is drawn with.
    public var fontPath: String

    /// A plot of `matrix` (`labels.count` rows of `labels.count` non-negative counts; traps otherwise).
    public init(labels: [String], matrix: [[Int]], title: String, fontPath: String = Self.defaultFontPath) {
        precondition(matrix.count == labels.count && matrix.allSatisfy { $0.count == labels.count }, "square matrix, one row per label")
        precondition(matrix.allSatisfy { $0.allSatisfy { $0 >= 0 } }, "counts are non-negative")
        self.labels = labels
        self.matrix = matrix
        self.title = title
        self.fontPath = fontPath
    }

    /// The plot as an RGB image.
    ///
    /// - Throws: `PlotError.font` when the font is missing or unreadable; `.tooManyClasses`
    ///   beyond `maxClasses`.
    public func render() throws(PlotError) -> RGBImage {
        try draw().image
    }

    /// The plot as PNG bytes (libpng).
    ///
    /// - Throws: `PlotError` as `render()`; `ImageError.io` when libpng fails.
    public func png() throws -> [UInt8] {
        try PNGEncoder.encode(render())
    }

    /// Writes the PNG atomically at `path` (temporary file, fsync, rename) after
    /// `OutputGuard` has checked it: never one of `inputs` (checkpoint files, data, images)
    /// nor the plot's font, never a device or FIFO, an existing file only when `replace`.
    ///
    /// - Throws: `PlotError`, `ImageError.io` (encoding) or `CheckpointError.io` naming `path`.
    public func write(to path: String, inputs: [String], replace: Bool) throws {
        try PNGFile.write(render(), to: path, inputs: inputs + [fontPath], replace: replace)
    }

    /// The layout measured with the plot's font (for tests: sizes and overlaps).
    ///
    /// - Throws: `PlotError` as `render()`.
    package func layout() throws(PlotError) -> PlotLayout {
        try checkClassCount()
        return layout(font: try FontFace(path: fontPath))
    }

    func checkClassCount() throws(PlotError) {
        guard labels.count <= Self.maxClasses else { throw .tooManyClasses(count: labels.count, limit: Self.maxClasses) }
    }

    func draw() throws(PlotError) -> Canvas {
        try checkClassCount()
        let font = try FontFace(path: fontPath)
        let l = layout(font: font)
        var canvas = Canvas(width: l.width, height: l.height)
        let maxCount = max(matrix.lazy.flatMap { $0 }.max() ?? 0, 1)
        let ink = RGB(33, 33, 33), grid = RGB(226, 230, 236), zeroInk = RGB(178, 178, 178)

        for (t, row) in matrix.enumerated() {
            for (p, count) in row.enumerated() {
                let cell = Rect(x: l.matrix.x + p * l.cell, y: l.matrix.y + t * l.cell, width: l.cell, height: l.cell)
                let color = ColorScale.color(Double(count) / Double(maxCount))
                canvas.fill(cell, color)
                let text = l.counts[t][p]
                let textColor = count == 0 ? zeroInk : color.luminance < 0.45 ? RGB.white : ink
                canvas.draw(font.render(text.text, text.size), x: text.box.x, y: text.box.y, color: textColor)
            }
        }
        // Grid lines between cells, then the frame.
        for i in 1..<max(labels.count, 1) {
            canvas.fill(Rect(x: l.matrix.x + i * l.cell, y: l.matrix.y, width: 1, height: l.matrix.height), grid)
            canvas.fill(Rect(x: l.matrix.x, y: l.matrix.y + i * l.cell, width: l.matrix.width, height: 1), grid)
        }
        canvas.stroke(Rect(x: l.matrix.x - 1, y: l.matrix.y - 1, width: l.matrix.width + 2, height: l.matrix.height + 2),
                      RGB(120, 120, 120))
        // The colour bar: the largest count at the top.
        for y in 0..<l.colorBar.height {
            let t = 1 - Double(y) / Double(max(l.colorBar.height - 1, 1))
            canvas.fill(Rect(x: l.colorBar.x, y: l.colorBar.y + y, width: l.colorBar.width, height: 1), ColorScale.color(t))
        }
        canvas.stroke(Rect(x: l.colorBar.x - 1, y: l.colorBar.y - 1, width: l.colorBar.width + 2, height: l.colorBar.height + 2),
                      RGB(120, 120, 120))
        for text in l.outerTexts {
            canvas.draw(font.render(text.text, text.size), x: text.box.x, y: text.box.y, color: ink, rotated: text.rotated)
        }
        return canvas
    }
}

extension ConfusionMatrixPlot {
    /// Opens the font at `path` once, so a missing or unreadable font is reported before a
    /// long evaluation rather than after it.
    ///
    /// - Throws: `PlotError.font` naming `path`.
    public static func checkFont(_ path: String) throws(PlotError) {
        _ = try FontFace(path: path)
    }
}
