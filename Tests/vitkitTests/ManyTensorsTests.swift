import Foundation
import Testing

/// `inspect` on headers with many tiny tensors (the 1M-tensor case, scaled down): every tensor
/// is listed, the scheme is detected from the few names it recognises, the rest reported unused.
@Suite("vitkit inspect: many tensors")
struct ManyTensorsTests {
    static let blockSuffixes = [
        "layernorm_before.weight", "layernorm_before.bias", "attention.attention.query.weight",
        "attention.attention.query.bias", "attention.attention.key.weight", "attention.attention.key.bias",
        "attention.attention.value.weight", "attention.attention.value.bias", "attention.output.dense.weight",
        "attention.output.dense.bias", "layernorm_after.weight", "layernorm_after.bias",
        "intermediate.dense.weight", "intermediate.dense.bias", "output.dense.weight", "output.dense.bias",
    ]

    /// A safetensors file of F32 `[1]` tensors named `names`, written byte by byte here.
    static func write(_ names: [String]) throws -> String {
        var header = #"{"__metadata__":{"format":"pt"}"#
        for (k, name) in names.enumerated() {
            header += #","\#(name)":{"dtype":"F32","shape":[1],"data_offsets":[\#(4 * k),\#(4 * k + 4)]}"#
        }
        header += "}"
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) }
        bytes += Array(header.utf8) + [UInt8](repeating: 0, count: 4 * names.count)
        let path = try CLI.tempDir().appendingPathComponent("many.safetensors").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aFewBlocksAmongTwentyThousandNamesAreDetectedAndTheRestReportedUnused() throws {
        let blocks = (0..<10).flatMap { i in Self.blockSuffixes.map { "vit.encoder.layer.\(i).\($0)" } }
        let plain = (0..<(20_000 - blocks.count)).map { String(format: "t%05d", $0) }
        let path = try Self.write(blocks + plain)

        let r = try CLI.run(["inspect", path])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "scheme: hf   config: inferred from tensor shapes")
        #expect(r.stdout.contains("ViT: hidden 768, layers 10,"))
        #expect(lines.filter { $0.hasPrefix("  unused: t") }.count == plain.count)
        #expect(lines.filter { $0.hasPrefix("t") && $0.hasSuffix("F32    [1]             1      4") }.count == plain.count)
        #expect(lines.contains("20000 tensors, 20,000 parameters, 80,000 bytes (80.0 KB)"))

        let json = try #require(try CLI.run(["inspect", path, "--json"]).json)
        #expect(json["tensors"]?.arrayValue?.count == 20_000)
        #expect(json["scheme"]?.stringValue == "hf")
        #expect(json["mapping"]?["unused"]?.arrayValue?.count == plain.count)
    }

    @Test func twentyThousandUnknownNamesAreListedWithoutALayerView() throws {
        let path = try Self.write((0..<20_000).map { String(format: "t%05d", $0) })
        let r = try CLI.run(["inspect", path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("no ViT layer view: \(path): no naming scheme (hf, tf, jax, timm, native, keras) recognises any of its 20000 tensors\n"))
        #expect(r.stdout.hasSuffix("20000 tensors, 20,000 parameters, 80,000 bytes (80.0 KB)\nmetadata:\n  format: pt\n"))
    }
}
