import Foundation
import Testing
import Tensors

/// `inspect --stats`: statistics equal numpy's (samples/tensor_stats.py, samples/generate_dtypes.py),
/// flags name the damaged tensors of samples/stats/flags.safetensors.
@Suite("inspect --stats")
struct InspectStatsTests {
    static let expected: JSON = {
        let text = (try? String(contentsOfFile: CLI.sample("expected/tensor-stats.json"), encoding: .utf8)) ?? ""
        return (try? JSON.parse(text)) ?? .null
    }()

    @Test(arguments: ["stats/flags.safetensors", "models/hf-in21k/model.safetensors", "models/hf-classifier-bf16/model.safetensors",
                      "models/hf-classifier-f16/model.safetensors", "models/jax/classifier.npz", "models/tf-classifier/tf_model.h5",
                      "stats/f16.npz", "stats/f16.h5"])
    func statisticsEqualNumpys(file: String) throws {
        let want = try #require(Self.expected[file]?.objectValue, "samples/expected/tensor-stats.json lacks \(file)")
        try Self.expectStatistics(of: file, equal: Dictionary(want) { a, _ in a })
    }

    /// F8_E4M3/E5M2/FNUZ/E8M0 and F4 tensors: numpy's statistics over ml_dtypes' values
    /// (samples/dtypes/listing.json, samples/generate_dtypes.py).
    @Test(arguments: ["dtypes/packed.safetensors", "dtypes/minifloats.safetensors"])
    func statisticsOfTheNewerFloatTypesEqualNumpys(file: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: CLI.sample("dtypes/listing.json")))
        let listing = try #require(try JSON.parse(Array(data))["files"]?.arrayValue)
        let tensors = try #require(listing.first { $0["file"]?.stringValue == file }?["tensors"]?.arrayValue)
        var want: [String: JSON] = [:]
        for t in tensors { if let name = t["name"]?.stringValue, let stats = t["stats"] { want[name] = stats } }
        try Self.expectStatistics(of: file, equal: want)
    }

    /// `inspect FILE --stats --json` gives `want`'s statistics for every tensor (and no other tensor).
    static func expectStatistics(of file: String, equal want: [String: JSON]) throws {
        let r = try CLI.run(["inspect", CLI.sample(file), "--stats", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let tensors = try #require(r.json?["tensors"]?.arrayValue)
        #expect(tensors.count == want.count)
        for entry in tensors {
            let name = try #require(entry["name"]?.stringValue)
            let got = try #require(entry["stats"], "\(name)")
            let reference = try #require(want[name], "\(name)")
            for key in ["min", "max", "mean", "std"] {
                if reference[key] == .null {
                    #expect(got[key] == .null, "\(name) \(key)")
                } else {
                    let a = try #require(got[key]?.doubleValue, "\(name) \(key)"), b = try #require(reference[key]?.doubleValue)
                    #expect(abs(a - b) <= 1e-12 + 1e-9 * abs(b), "\(file) \(name) \(key): \(a) vs numpy \(b)")
                }
            }
            for key in ["nan", "inf", "zeros"] { #expect(got[key]?.intValue == reference[key]?.intValue, "\(file) \(name) \(key)") }
        }
    }

    @Test func flagsNameTheDamagedTensors() throws {
        let r = try CLI.run(["inspect", CLI.sample("stats/flags.safetensors"), "--stats", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        var flags: [String: [String]] = [:]
        for entry in r.json?["tensors"]?.arrayValue ?? [] {
            flags[entry["name"]?.stringValue ?? ""] = (entry["flags"]?.arrayValue ?? []).compactMap { $0.stringValue }
        }
        #expect(flags == [
            "bad.weight": ["nan_or_inf"], "zeros.bias": ["all_zeros"], "blocks.0.norm.weight": ["norm_gain_all_ones"],
            "blocks.0.fc.weight": [], "blocks.1.fc.weight": [], "blocks.2.fc.weight": [], "blocks.3.fc.weight": ["std_far_from_other_blocks"],
            "blocks.4.fc.weight": [],
        ])
        let text = try CLI.run(["inspect", CLI.sample("stats/flags.safetensors"), "--stats"])
        #expect(text.status == 0 && text.stdout.contains("4 of 8 tensors flagged\n  bad.weight: nan_or_inf\n"), "\(text.stdout)")
    }
}
