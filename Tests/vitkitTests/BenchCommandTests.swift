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
        #expect(json["backend"]?.stringValue?.hasPrefix("onednn ") == true, "\(json["backend"]?.stringValue ?? "")")
        let bad = try CLI.run(["bench", CLI.sample("models/hf-classifier"), "--iterations=0"])
        #expect(bad.status != 0 && bad.stderr.contains("--iterations"), "\(bad.stderr)")
    }

    /// `--compute bf16` reports bf16 and the bf16 kernel's instruction set (AMX or AVX512-BF16),
    /// or, on a CPU with neither, f32 and a note; `--backend blis` reports BLIS.
    @Test func bf16AndBackendChoice() throws {
        let r = try CLI.run(["bench", CLI.sample("models/hf-classifier"), "--json", "--batch", "2", "--iterations", "1",
                             "--compute", "bf16"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        let backend = try #require(json["backend"]?.stringValue)
        let cpu = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let bf16CPU = cpu.contains(" avx512_bf16") || cpu.contains(" amx_bf16")
        if bf16CPU {
            #expect(json["compute"]?.stringValue == "bf16")
            #expect(backend.contains("avx512_core_bf16") || backend.contains("amx"), "\(backend)")
        } else {
            #expect(json["compute"]?.stringValue == "f32")
            #expect(backend.contains("ran as f32"), "\(backend)")
        }
        let blis = try CLI.run(["bench", CLI.sample("models/hf-classifier"), "--json", "--batch", "2", "--iterations", "1",
                                "--backend", "blis"])
        #expect(blis.status == 0, "\(blis.stderr)")
        #expect(blis.json?["backend"]?.stringValue?.hasPrefix("blis-") == true)
        let bad = try CLI.run(["bench", CLI.sample("models/hf-classifier"), "--compute", "f64"])
        #expect(bad.status != 0 && bad.stderr.contains("--compute"), "\(bad.stderr)")
    }

    /// A batch no machine holds is one line before any of it is allocated: `--batch 100000000`
    /// built the batch's pixel array image by image until the allocation failed (abort under a
    /// 4 GB `ulimit -v`; without one it grew until the OOM killer came).
    /// 124,416 bytes per image: 2 x 3 x 64 x 64 pixel floats, 17 tokens x (6 x 48 + 96) floats.
    @Test(arguments: [("100000000", "needs at least 12441.6 GB"), ("4611686018427387904", "needs more bytes than a 64-bit count")])
    func aBatchBeyondTheMachinesMemoryIsRefused(batch: String, need: String) throws {
        let start = Date()
        let r = try CLI.run(["bench", CLI.sample("models/hf-classifier"), "--batch", batch, "--iterations", "1"])
        #expect(Date().timeIntervalSince(start) < 20)
        #expect(r.status == 1, "\(r.stderr.prefix(300))")
        #expect(r.stderr.hasPrefix("Error: a batch of \(batch) images at 64 px \(need) for its pixels and activations, more than this machine's "),
                "\(r.stderr.prefix(300))")
        #expect(r.stderr.hasSuffix(" GB of memory\n") && r.stderr.split(separator: "\n").count == 1, "\(r.stderr.prefix(300))")
    }
}
