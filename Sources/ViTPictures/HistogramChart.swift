import Drawing
import Preprocessing
import Tensors

/// Weight histograms: one small chart per tensor in a grid (three across), each titled with
/// the tensor's name and printed with its statistics, bars over the finite values from min
/// to max.
public struct HistogramChart: Sendable {
    /// One tensor's chart.
    public struct Panel: Sendable {
        /// The tensor's name, the panel's title.
        public var name: String
        /// Printed under the title.
        public var statistics: TensorStatistics
        /// The bars.
        public var histogram: TensorHistogram

        /// A panel for one tensor.
        public init(name: String, statistics: TensorStatistics, histogram: TensorHistogram) {
            self.name = name
            self.statistics = statistics
            self.histogram = histogram
        }
    }

    /// The charts, in order (left to right, top to bottom).
    public var panels: [Panel]
    /// The TrueType font for the text.
    public var fontPath: String

    /// At most this many charts in one picture.
    public static let maxPanels = 48
    static let panelWidth = 340, panelHeight = 200, columns = 3, margin = 8
    static let bar = RGB(49, 130, 189), ink = RGB(40, 40, 40), faint = RGB(150, 150, 150)

    public init(panels: [Panel], fontPath: String = PNGFile.defaultFontPath) {
        self.panels = panels
        self.fontPath = fontPath
    }

    /// The picture as an RGB image.
    ///
    /// - Throws: `PlotError.font` when the font is missing or unreadable; `.tooManyCharts`
    ///   beyond `maxPanels` (or none).
    public func render() throws(PlotError) -> RGBImage {
        guard !panels.isEmpty, panels.count <= Self.maxPanels else {
            throw .tooManyCharts(count: panels.count, limit: Self.maxPanels)
        }
        let font = try FontFace(path: fontPath)
        let columns = min(panels.count, Self.columns), rows = (panels.count + columns - 1) / columns
        var canvas = Canvas(width: columns * Self.panelWidth + (columns + 1) * Self.margin,
                            height: rows * Self.panelHeight + (rows + 1) * Self.margin)
        for (k, panel) in panels.enumerated() {
            let frame = Rect(x: Self.margin + (k % columns) * (Self.panelWidth + Self.margin),
                             y: Self.margin + (k / columns) * (Self.panelHeight + Self.margin),
                             width: Self.panelWidth, height: Self.panelHeight)
            draw(panel, in: frame, on: &canvas, font: font)
        }
        return canvas.image
    }

    /// Writes the PNG atomically at `path`, never over one of `inputs`, an existing file only
    /// when `replace` (see `PNGFile.write`).
    ///
    /// - Throws: `PlotError`, `ImageError.io` or `CheckpointError.io` naming `path`.
    public func write(to path: String, inputs: [String], replace: Bool) throws {
        try PNGFile.write(render(), to: path, inputs: inputs, replace: replace)
    }

    /// Title, two lines of statistics, the bars, and the range under them.
    private func draw(_ panel: Panel, in frame: Rect, on canvas: inout Canvas, font: FontFace) {
        let s = panel.statistics, pad = 6, width = frame.width - 2 * pad
        canvas.stroke(frame, RGB(220, 220, 220))
        var y = frame.y + pad
        canvas.text(panel.name, x: frame.x + pad, y: y, pixelSize: 13, font: font, color: Self.ink, maxWidth: width)
        y += font.lineHeight(13) + 2
        for line in ["min \(NumberText.short(s.min))  max \(NumberText.short(s.max))  mean \(NumberText.short(s.mean))  std \(NumberText.short(s.std))",
                     "\(s.count) values  zeros \(s.zeros)  nan \(s.nan)  inf \(s.inf)"] {
            canvas.text(line, x: frame.x + pad, y: y, pixelSize: 11, font: font, color: Self.faint, maxWidth: width)
            y += font.lineHeight(11)
        }
        let axisHeight = font.lineHeight(11) + 2
        let plot = Rect(x: frame.x + pad, y: y + 4, width: width, height: frame.maxY - pad - axisHeight - (y + 4))
        let counts = panel.histogram.counts, top = max(counts.max() ?? 0, 1)
        for (i, c) in counts.enumerated() where c > 0 {
            let x0 = plot.x + i * plot.width / counts.count, x1 = plot.x + (i + 1) * plot.width / counts.count
            let h = max(1, Int((Double(c) / Double(top) * Double(plot.height)).rounded()))
            canvas.fill(Rect(x: x0, y: plot.maxY - h, width: max(x1 - x0 - 1, 1), height: h), Self.bar)
        }
        canvas.fill(Rect(x: plot.x, y: plot.maxY, width: plot.width, height: 1), Self.faint)
        let low = NumberText.short(panel.histogram.low), high = NumberText.short(panel.histogram.high)
        canvas.text(low, x: plot.x, y: plot.maxY + 2, pixelSize: 11, font: font, color: Self.ink)
        canvas.text(high, x: plot.maxX - font.width(high, 11), y: plot.maxY + 2, pixelSize: 11, font: font, color: Self.ink)
    }
}
