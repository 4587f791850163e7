import Drawing
import EvaluationPlot
import Foundation
import Preprocessing
import Tensors
import Testing

@Suite("Confusion matrix plot")
struct ConfusionMatrixPlotTests {
    /// matplotlib's "Blues" ends: the largest count is this dark blue, an empty cell white.
    static let darkest: [UInt8] = [8, 48, 107]
    static let white: [UInt8] = [255, 255, 255]

    static func pixel(_ image: RGBImage, _ x: Int, _ y: Int) -> [UInt8] {
        let p = image[x, y]
        return [p.r, p.g, p.b]
    }

    static func perfect(_ n: Int, count: Int = 4) -> ConfusionMatrixPlot {
        let matrix = (0..<n).map { t in (0..<n).map { p in t == p ? count : 0 } }
        return ConfusionMatrixPlot(labels: (0..<n).map { "class \($0)" }, matrix: matrix, title: "perfect: accuracy 100%")
    }

    @Test func perfectClassificationHasDarkestDiagonalAndWhiteElsewhere() throws {
        let plot = Self.perfect(5)
        let image = try plot.render()
        let l = try plot.layout()
        #expect(image.width == l.width && image.height == l.height)
        for t in 0..<5 {
            for p in 0..<5 {
                // A corner of the cell, away from the grid line and the centred count.
                let x = l.matrix.x + p * l.cell + 3, y = l.matrix.y + t * l.cell + 3
                #expect(Self.pixel(image, x, y) == (t == p ? Self.darkest : Self.white), "cell (\(t), \(p))")
            }
        }
    }

    @Test func countsAndLabelsAreDrawnInContrastingInk() throws {
        let plot = ConfusionMatrixPlot(labels: ["cat", "dog"], matrix: [[9, 1], [0, 5]], title: "two classes")
        let image = try plot.render()
        let l = try plot.layout()
        func pixels(in r: Rect) -> [[UInt8]] {
            (r.y..<r.maxY).flatMap { y in (r.x..<r.maxX).map { Self.pixel(image, $0, y) } }
        }
        // The darkest cell (9) holds near-white text; the palest (1) near-black text.
        #expect(pixels(in: l.counts[0][0].box).contains { $0.allSatisfy { $0 > 200 } }, "white '9' on dark blue")
        #expect(pixels(in: l.counts[0][1].box).contains { $0.allSatisfy { $0 < 80 } }, "dark '1' on pale blue")
        for label in l.rowLabels + l.columnLabels + [l.trueTitle!, l.predictedTitle!, l.title!] {
            #expect(pixels(in: label.box).contains { $0.allSatisfy { $0 < 100 } }, "'\(label.text)' has ink")
        }
        #expect(l.columnLabels.allSatisfy { !$0.rotated }, "short names fit across a cell")
    }

    @Test func fiftyClassesFitWithoutOverlaps() throws {
        let n = 50
        var state: UInt64 = 7
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % bound
        }
        let matrix = (0..<n).map { t in (0..<n).map { p in t == p ? 100 + next(900) : (next(4) == 0 ? next(30) : 0) } }
        let labels = (0..<n).map { i in
            i % 7 == 0 ? "a very long class name number \(i) that cannot fit" : "class_\(i)"
        }
        let plot = ConfusionMatrixPlot(labels: labels, matrix: matrix, title: "fifty classes")
        let l = try plot.layout()
        #expect(l.width <= 1600 && l.height <= 1600, "\(l.width)x\(l.height)")
        #expect(l.cell >= 20, "cells must stay readable: \(l.cell) px")
        let image = Rect(x: 0, y: 0, width: l.width, height: l.height)
        let texts = l.outerTexts
        for (i, a) in texts.enumerated() {
            #expect(image.contains(a.box), "'\(a.text)' \(a.box) outside the image")
            #expect(!a.box.intersects(l.matrix) && !a.box.intersects(l.colorBar), "'\(a.text)' over the matrix")
            for b in texts[(i + 1)...] where a.box.intersects(b.box) {
                Issue.record("'\(a.text)' \(a.box) overlaps '\(b.text)' \(b.box)")
            }
        }
        for (t, row) in l.counts.enumerated() {
            for (p, count) in row.enumerated() {
                let cell = Rect(x: l.matrix.x + p * l.cell, y: l.matrix.y + t * l.cell, width: l.cell, height: l.cell)
                #expect(cell.contains(count.box), "count \(count.text) leaves cell (\(t), \(p))")
            }
        }
        #expect(l.columnLabels.allSatisfy { $0.rotated })
        let long = l.rowLabels.filter { $0.text.hasPrefix("a very long") }
        #expect(long.count == 8 && long.allSatisfy { $0.text.hasSuffix("…") && $0.box.width <= 160 })
        #expect(l.rowLabels[1].text == "class_1")
        let rendered = try plot.render()
        #expect(rendered.width == l.width && rendered.height == l.height)
    }

    @Test func bigCountsWidenTheCells() throws {
        let plot = ConfusionMatrixPlot(labels: (0..<40).map { "c\($0)" },
                                       matrix: (0..<40).map { t in (0..<40).map { t == $0 ? 1_234_567 : 0 } }, title: "big")
        let l = try plot.layout()
        #expect(l.counts[3][3].box.width <= l.cell - 4 && l.cell > 22)
    }

    @Test func missingFontIsAClearError() {
        let plot = ConfusionMatrixPlot(labels: ["a"], matrix: [[1]], title: "t", fontPath: "/nonexistent/Font.ttf")
        #expect(throws: PlotError.self) { try plot.render() }
        do {
            _ = try plot.render()
        } catch {
            #expect("\(error)" == "/nonexistent/Font.ttf: font file not found (install fonts-dejavu-core, or pass another TrueType font)")
        }
        let notAFont = ConfusionMatrixPlot(labels: ["a"], matrix: [[1]], title: "t", fontPath: #filePath)
        #expect(throws: PlotError.font(file: #filePath, reason: "not a font file FreeType knows (unknown file format)")) {
            try notAFont.render()
        }
    }

    @Test func tooManyClassesAreRefused() {
        let n = ConfusionMatrixPlot.maxClasses + 1
        let plot = ConfusionMatrixPlot(labels: (0..<n).map(String.init), matrix: (0..<n).map { _ in [Int](repeating: 0, count: n) },
                                       title: "t")
        #expect(throws: PlotError.tooManyClasses(count: n, limit: ConfusionMatrixPlot.maxClasses)) { try plot.render() }
    }
}
