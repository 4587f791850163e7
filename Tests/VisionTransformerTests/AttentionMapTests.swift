import Foundation
import Testing
import Tensors
@testable import ViTModel
@testable import ViTInference
import Drawing
import Preprocessing
import ViTPictures

/// Attention maps and rollout against transformers' `output_attentions=True` (eager attention),
/// recorded by samples/attention_reference.py in samples/expected/attention.json.
@Suite("attention maps vs transformers")
struct AttentionMapTests {
    static let cases: [(model: String, image: String)] = [
        ("hf-classifier", "chelsea.png"), ("hf-classifier", "astronaut.jpg"), ("hf-in21k", "coffee-rgba.png"),
    ]

    @Test("per-block class-token attention and the rollout equal transformers' (1e-5)",
          arguments: cases, [MatrixBackend.onednn, .blis])
    func matchesTransformers(_ c: (model: String, image: String), _ backend: MatrixBackend) throws {
        let reference = try #require(try Fixtures.json(Fixtures.sample("expected/attention.json"))[c.model]?[c.image])
        let checkpoint = try ViTCheckpoint(path: Fixtures.sample("models/\(c.model)"))
        let forward = try ViTForward(checkpoint, compute: .f32, backend: backend)
        let pixels = try Fixtures.readFloatNPY(Fixtures.sample("expected/pixels/\(c.image).npy"))
        let maps = try forward.attentionMaps(pixels: pixels.values, size: pixels.shape[1])
        let layers = try #require(reference["layers"]?.arrayValue)
        #expect(maps.layers == layers.count)
        for (l, row) in layers.enumerated() {
            let want = try #require(Fixtures.floats(row))
            #expect(want.count == maps.tokens)
            #expect(maxAbsDiff(maps.classAttention(layer: l), Array(want.dropFirst())) <= 1e-5, "layer \(l)")
        }
        let rollout = try #require(Fixtures.floats(reference["rollout"]))
        #expect(maxAbsDiff(maps.rolloutRow().map { Float($0) }, rollout) <= 1e-5)
        #expect(maxAbsDiff(maps.rollout(), Array(rollout.dropFirst())) <= 1e-5)
    }

    @Test("the forward outputs are unchanged while attention is recorded")
    func outputsUnchanged() throws {
        let checkpoint = try ViTCheckpoint(path: Fixtures.sample("models/hf-classifier"))
        let forward = try ViTForward(checkpoint)
        let pixels = try Fixtures.readFloatNPY(Fixtures.sample("expected/pixels/chelsea.png.npy"))
        let plain = try forward.run(pixels: pixels.values, batch: 1, size: pixels.shape[1], clsOnlyLastBlock: false)[0]
        let probabilities = UnsafeMutablePointer<Float>.allocate(capacity: 2 * 17 * 17)
        probabilities.initialize(repeating: 0, count: 2 * 17 * 17)
        defer { probabilities.deallocate() }
        let (ws, t) = try forward.encode(pixels: pixels.values, batch: 1, size: pixels.shape[1], clsOnlyLastBlock: false,
                                         probabilities: probabilities)
        defer { ws.release() }
        #expect(forward.heads(ws, batch: 1, t: t)[0].logits == plain.logits)
    }

    @Test("maps beyond the memory bound are refused before allocating")
    func bounded() throws {
        let checkpoint = try ViTCheckpoint(path: Fixtures.sample("models/hf-classifier"))
        let forward = try ViTForward(checkpoint)
        // 2 blocks at 2048 px / patch 16: 2 x 16385² values > 2^26.
        #expect(throws: ViTError.self) { try forward.attentionMaps(pixels: [], size: 2048) }
    }

    @Test("the picture is the photo's size plus the strip, coloured where attention is high")
    func picture() throws {
        let photo = try ImageDecoder.decode(path: Fixtures.sample("images/astronaut.jpg"))
        // One hot cell at the top-left of a 4x4 grid.
        var values = [Float](repeating: 0, count: 16)
        values[0] = 1
        let image = try AttentionPicture(values: values, grid: 4, photo: photo, caption: "test").render()
        #expect(image.width == photo.width && image.height == photo.height + 26)
        func pixel(_ img: RGBImage, _ x: Int, _ y: Int) -> [UInt8] { Array(img.pixels[((y * img.width + x) * 3)..<((y * img.width + x) * 3 + 3)]) }
        func brightness(_ p: [UInt8]) -> Int { p.reduce(0) { $0 + Int($1) } }
        let topLeft = brightness(pixel(image, 2, 2)), topLeftPhoto = brightness(pixel(photo, 2, 2))
        let bottomRight = brightness(pixel(image, photo.width - 3, photo.height - 3))
        let bottomRightPhoto = brightness(pixel(photo, photo.width - 3, photo.height - 3))
        // inferno(1) is pale yellow, inferno(0) near black.
        #expect(topLeft > topLeftPhoto)
        #expect(bottomRight < bottomRightPhoto)
        #expect(throws: PlotError.self) {
            try AttentionPicture(values: values, grid: 4, photo: photo, caption: "", fontPath: "/nonexistent.ttf").render()
        }
    }
}
