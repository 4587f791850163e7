import Drawing
import EvaluationPlot
import Foundation
import Preprocessing
import Tensors
import Testing

@Suite("Confusion matrix PNG files")
struct PlotFileTests {
    static let plot = ConfusionMatrixPlot(labels: ["tabby", "astronaut", "coffee"], matrix: [[3, 0, 1], [0, 2, 0], [1, 0, 5]],
                                          title: "sample: accuracy 76.92% (10 of 13 images)")

    @Test func writtenFileDecodesWithVitkitsDecoder() throws {
        let dir = try scratchDirectory()
        let path = dir + "/cm.png"
        try Self.plot.write(to: path, inputs: [], replace: false)
        let decoded = try ImageDecoder.decode(path: path)
        #expect(decoded == (try Self.plot.render()))
        let l = try Self.plot.layout()
        #expect(decoded.width == l.width && decoded.height == l.height)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["cm.png"], "no temporary left")
    }

    @Test(.enabled(if: ReferencePython.available, "needs the reference Python with Pillow (VITKIT_REFERENCE_PYTHON)"))
    func writtenFileDecodesWithPillow() throws {
        let dir = try scratchDirectory()
        let path = dir + "/cm.png"
        try Self.plot.write(to: path, inputs: [], replace: false)
        let l = try Self.plot.layout()
        let x = l.matrix.x + 2, y = l.matrix.y + 2  // corner of the largest-but-one cell (3 of max 5)
        let script = """
        import sys, json
        import numpy as np
        from PIL import Image
        im = Image.open(sys.argv[1]); im.load()
        a = np.asarray(im)
        x, y = int(sys.argv[2]), int(sys.argv[3])
        print(json.dumps({"format": im.format, "mode": im.mode, "size": list(im.size), "pixel": a[y, x].tolist(),
                          "white": int((a == 255).all(axis=2).sum())}))
        """
        let out = try JSON.parse(Array(ReferencePython.run(script, [path, String(x), String(y)]).utf8))
        #expect(out["format"]?.stringValue == "PNG" && out["mode"]?.stringValue == "RGB")
        #expect(out["size"]?.arrayValue?.compactMap(\.intValue) == [l.width, l.height])
        let mine = try ImageDecoder.decode(path: path)[x, y]
        #expect(out["pixel"]?.arrayValue?.compactMap(\.intValue) == [Int(mine.r), Int(mine.g), Int(mine.b)])
        #expect(mine != (255, 255, 255) && mine != (8, 48, 107), "3 of 5: a middle blue")
        #expect((out["white"]?.intValue ?? 0) > l.width * l.height / 2, "mostly white background")
    }

    @Test func writerRefusesInputsAndExistingFiles() throws {
        let dir = try scratchDirectory()
        let input = dir + "/model.safetensors"
        try Data("weights".utf8).write(to: URL(fileURLWithPath: input))
        #expect(throws: CheckpointError.self) { try Self.plot.write(to: input, inputs: [input], replace: true) }
        #expect(try String(contentsOfFile: input, encoding: .utf8) == "weights")
        let out = dir + "/cm.png"
        try Self.plot.write(to: out, inputs: [input], replace: false)
        #expect(throws: CheckpointError.destinationExists(file: out)) { try Self.plot.write(to: out, inputs: [input], replace: false) }
        try Self.plot.write(to: out, inputs: [input], replace: true)
    }
}
