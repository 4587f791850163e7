import Foundation
import Testing

/// A preprocessor config vitkit cannot follow is an error naming where it came from.
@Suite("preprocessor config errors")
struct PreprocessorConfigErrorTests {
    /// A `preprocessor_config.json` beside the weights: its path starts the message.
    @Test func aBadPreprocessorConfigFileIsNamed() throws {
        let dir = try CLI.tempDir().appendingPathComponent("model")
        try FileManager.default.copyItem(atPath: CLI.sample("models/hf-classifier"), toPath: dir.path)
        let config = dir.appendingPathComponent("preprocessor_config.json")
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: config)) as! [String: Any]
        json["image_std"] = [0, 0, 0]
        try JSONSerialization.data(withJSONObject: json).write(to: config)
        let r = try CLI.run(["predict", dir.path, CLI.sample("images/chelsea.png")])
        #expect(r.status == 1)
        #expect(r.stderr == "Error: \(config.path): invalid preprocessor config: 'image_std' contains zero\n", "\(r.stderr)")
    }

    /// The copy a native file carries in its metadata: invalid JSON there is an error (it
    /// was silently ignored, and the defaults used, before).
    @Test func aNativeFilesBrokenPreprocessorMetadataIsAnError() throws {
        let dir = try CLI.tempDir()
        let native = dir.appendingPathComponent("model.safetensors").path
        let converted = try CLI.run(["convert", CLI.sample("models/hf-classifier"), native, "--to", "native"])
        #expect(converted.status == 0, "\(converted.stderr)")
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: native)))
        let headerLength = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        var header = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
        // Same length, so the tensor offsets stay valid: the stored config loses its last brace.
        let key = "\"vitkit.preprocessor_config\":\""
        let start = try #require(header.range(of: key)).upperBound
        let end = try #require(header[start...].range(of: "}\"")).lowerBound
        header.replaceSubrange(end..<header.index(after: end), with: " ")
        bytes.replaceSubrange(8..<(8 + headerLength), with: Array(header.utf8))
        let broken = dir.appendingPathComponent("broken.safetensors").path
        try Data(bytes).write(to: URL(fileURLWithPath: broken))
        let r = try CLI.run(["predict", broken, CLI.sample("images/chelsea.png")])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("Error: invalid ViT config: \(broken): metadata 'vitkit.preprocessor_config' is not valid JSON"), "\(r.stderr)")
    }
}
