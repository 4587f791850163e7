import Foundation
import Testing
import Tensors

/// `inspect A --compare B`: per graph part ‖A − B‖ / ‖B‖ equal to numpy's over the same tensors
/// (samples/compare_reference.py).
@Suite("inspect --compare")
struct InspectCompareTests {
    @Test(arguments: [("hf-classifier", "hf-classifier-f16"), ("hf-classifier", "hf-in21k"), ("hf-classifier", "hf-classifier")])
    func partsEqualNumpys(_ pair: (String, String)) throws {
        let text = try [UInt8](Data(contentsOf: URL(fileURLWithPath: CLI.sample("expected/compare.json"))))
        let want = try #require(try JSON.parse(text)["\(pair.0) vs \(pair.1)"]?.objectValue)
        let r = try CLI.run(["inspect", CLI.sample("models/\(pair.0)"), "--compare", CLI.sample("models/\(pair.1)"), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let parts = try #require(r.json?["parts"]?.arrayValue)
        var compared: Set<String> = []
        for p in parts {
            let name = try #require(p["name"]?.stringValue)
            guard p["tensors"]?.intValue ?? 0 > 0 else {
                #expect(p["relative_change"] == .null && want.first { $0.0 == name } == nil, "\(name)")
                continue
            }
            compared.insert(name)
            let got = try #require(p["relative_change"]?.doubleValue, "\(name)")
            let reference = try #require(want.first { $0.0 == name }?.1.doubleValue, "\(name) missing from compare.json")
            #expect(abs(got - reference) <= 1e-12 + 1e-9 * reference, "\(name): \(got) vs numpy \(reference)")
            if pair.0 == pair.1 { #expect(p["changed"]?.intValue == 0 && got == 0) }
        }
        #expect(compared == Set(want.map(\.0)))
    }

    @Test func textNamesThePartsAndWhatIsInOneOnly() throws {
        let r = try CLI.run(["inspect", CLI.sample("models/hf-classifier"), "--compare", CLI.sample("models/hf-in21k")])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("graph part") && r.stdout.contains("block 1") && r.stdout.contains("most changed tensors"))
        #expect(r.stdout.contains("only in A: classifier.weight, classifier.bias"))
        #expect(r.stdout.contains("only in B: pooler.weight, pooler.bias"))
    }
}
