import Drawing
/// A piece of text and the pixels it covers.
package struct PlacedText: Equatable, Sendable {
    /// What is drawn (label names already truncated with "…").
    package var text: String
    /// The pixels the rendered text covers (turned when `rotated`).
    package var box: Rect
    /// Font size in pixels.
    package var size: Int
    /// Turned 90° counter-clockwise (reading bottom to top).
    package var rotated: Bool
}

/// Where everything of a confusion-matrix plot goes: computed from the font's real glyph
/// widths, so tests can check that nothing overlaps and everything is inside the image.
package struct PlotLayout: Sendable {
    package var width = 0, height = 0
    /// Side of one cell in pixels.
    package var cell = 0
    /// The cells, `n * cell` square; cell (t, p) is at row t, column p.
    package var matrix = Rect(x: 0, y: 0, width: 0, height: 0)
    package var title: PlacedText?
    package var trueTitle: PlacedText?
    package var predictedTitle: PlacedText?
    /// One per class, left of its row / below its column.
    package var rowLabels: [PlacedText] = []
    package var columnLabels: [PlacedText] = []
    /// `counts[t][p]`, centred in its cell.
    package var counts: [[PlacedText]] = []
    /// The colour scale beside the matrix, and its tick labels (0, the middle, the maximum).
    package var colorBar = Rect(x: 0, y: 0, width: 0, height: 0)
    package var ticks: [PlacedText] = []

    /// Every text outside the cells (labels, titles, ticks).
    package var outerTexts: [PlacedText] {
        [title, trueTitle, predictedTitle].compactMap { $0 } + rowLabels + columnLabels + ticks
    }
}

extension ConfusionMatrixPlot {
    static let margin = 16
    /// Widest label in pixels before it is truncated with "…".
    static let maxLabelWidth = 160

    /// The layout for this plot's classes and counts, measured with `font`.
    func layout(font: FontFace) -> PlotLayout {
        let n = labels.count
        var l = PlotLayout()
        let maxCount = matrix.lazy.flatMap { $0 }.max() ?? 0

        // Cells: ~760 px for the whole matrix, 22...64 px each, wide enough for the largest count.
        let base = min(max(760 / max(n, 1), 22), 64)
        let countSize = min(max(Int(Double(base) * 0.42), 9), 16)
        l.cell = max(base, font.width(String(maxCount), countSize) + 6, font.lineHeight(countSize) + 4)
        let labelSize = min(max(l.cell / 2, 10), 13), titleSize = 16, axisSize = 13, tickSize = 11

        let names = labels.map { font.truncated($0, maxWidth: Self.maxLabelWidth, labelSize) }
        let nameWidths = names.map { font.width($0, labelSize) }
        let widestName = nameWidths.max() ?? 0
        let labelLine = font.lineHeight(labelSize), axisLine = font.lineHeight(axisSize)
        let titleLine = font.lineHeight(titleSize)
        let horizontalColumns = widestName <= l.cell - 4

        // Left to right: "true" (turned), row labels, the matrix, the colour bar and its ticks.
        let side = n * l.cell
        let matrixX = Self.margin + axisLine + 8 + widestName + 8
        let matrixY = Self.margin + titleLine + 12
        l.matrix = Rect(x: matrixX, y: matrixY, width: side, height: side)
        l.colorBar = Rect(x: l.matrix.maxX + 20, y: matrixY, width: 14, height: side)
        let tickValues = [maxCount, maxCount / 2, 0]
        let tickLine = font.lineHeight(tickSize)
        var seen = Set<Int>()
        for v in tickValues where seen.insert(v).inserted {
            let y = matrixY + side - Int((Double(v) / Double(max(maxCount, 1)) * Double(side)).rounded())
            let ty = min(max(y - tickLine / 2, matrixY - tickLine / 2), matrixY + side - tickLine / 2)
            l.ticks.append(PlacedText(text: String(v), box: Rect(x: l.colorBar.maxX + 5, y: ty, width: font.width(String(v), tickSize),
                                                                  height: tickLine), size: tickSize, rotated: false))
        }
        let ticksRight = l.ticks.map(\.box.maxX).max() ?? l.colorBar.maxX

        for (t, (name, w)) in zip(names, nameWidths).enumerated() {
            let y = matrixY + t * l.cell + (l.cell - labelLine) / 2
            l.rowLabels.append(PlacedText(text: name, box: Rect(x: matrixX - 8 - w, y: y, width: w, height: labelLine),
                                          size: labelSize, rotated: false))
        }
        let columnTop = l.matrix.maxY + 6
        for (p, (name, w)) in zip(names, nameWidths).enumerated() {
            let x = matrixX + p * l.cell
            let box = horizontalColumns
                ? Rect(x: x + (l.cell - w) / 2, y: columnTop, width: w, height: labelLine)
                : Rect(x: x + (l.cell - labelLine) / 2, y: columnTop, width: labelLine, height: w)
            l.columnLabels.append(PlacedText(text: name, box: box, size: labelSize, rotated: !horizontalColumns))
        }
        let columnBottom = columnTop + (horizontalColumns ? labelLine : widestName)

        l.counts = matrix.enumerated().map { t, row in
            row.enumerated().map { p, count in
                let text = String(count), w = font.width(text, countSize), h = font.lineHeight(countSize)
                return PlacedText(text: text, box: Rect(x: matrixX + p * l.cell + (l.cell - w) / 2,
                                                        y: matrixY + t * l.cell + (l.cell - h) / 2, width: w, height: h),
                                  size: countSize, rotated: false)
            }
        }

        let predictedWidth = font.width("predicted", axisSize)
        l.predictedTitle = PlacedText(text: "predicted", box: Rect(x: matrixX + (side - predictedWidth) / 2, y: columnBottom + 8,
                                                                   width: predictedWidth, height: axisLine),
                                      size: axisSize, rotated: false)
        let trueWidth = font.width("true", axisSize)
        l.trueTitle = PlacedText(text: "true", box: Rect(x: Self.margin, y: matrixY + (side - trueWidth) / 2, width: axisLine,
                                                         height: trueWidth), size: axisSize, rotated: true)

        // The title over the matrix; the image widens for it (up to 1600 px), else it is truncated.
        let contentWidth = max(ticksRight, l.predictedTitle!.box.maxX) + Self.margin
        let wantedTitle = font.width(title, titleSize) + 2 * Self.margin
        l.width = max(contentWidth, min(wantedTitle, 1600))
        let shownTitle = font.truncated(title, maxWidth: l.width - 2 * Self.margin, titleSize)
        let titleWidth = font.width(shownTitle, titleSize)
        let centred = matrixX + (side - titleWidth) / 2
        let titleX = min(max(centred, Self.margin), l.width - Self.margin - titleWidth)
        l.title = PlacedText(text: shownTitle, box: Rect(x: titleX, y: Self.margin, width: titleWidth, height: titleLine),
                             size: titleSize, rotated: false)
        l.height = l.predictedTitle!.box.maxY + Self.margin
        return l
    }
}
