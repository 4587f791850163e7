import Foundation
import Testing
import Tensors

/// `vitkit bench` reports every key of its JSON contract with plausible values. (It is a
/// measurement tool: no timing is asserted, only that the numbers are there and sane.)
@Suite("vitkit bench")
struct BenchCommandTests {
    @Test func jsonHasEveryKeyAndHonoursThreads() throws {
        let r = try CLI.run(["bench", CLI.sample("models/hf-classifier"), "--json", "--batch", "3", "--iterations", "2",
                             "--threads", "1", "--image", CLI.sample("images/chelsea.png")])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        for key in ["load_ms", "preprocess_ms", "forward_ms_b1", "forward_ms_per_image", "gflops", "peak_rss_mb"] {
            let v = try #require(json[key]?.doubleValue, "\(key) missing")
            #expect(v.isFinite && v > 0, "\(key) = \(v)")
        }
        #expect(json["batch"]?.intValue == 3)
        #expect(json["threads"]?.intValue == 1)
        #expect(json["compute"]?.stringValue == "f32")
        #expect(json["backend"]?.stringValue?.hasPrefix("blis-") == true)
        let bad = try CLI.run(["bench", CLI.sample("models/hf-classifier"), "--iterations=0"])
        #expect(bad.status != 0 && bad.stderr.contains("--iterations"), "\(bad.stderr)")
    }
}
