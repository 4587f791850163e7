import Foundation
import Synchronization
import Testing
import Preprocessing
import ViTModel
@testable import ViTEvaluation

@Suite("Evaluation streaming (decode while the forward pass runs)")
struct StreamingTests {
    /// Events in the order they happened, from both threads.
    final class Log: Sendable {
        let events = Mutex<[String]>([])
        func add(_ e: String) { events.withLock { $0.append(e) } }
        func index(_ e: String) -> Int { events.withLock { $0.firstIndex(of: e) ?? -1 } }
    }

    static func run(overlap: Bool, total: Int, log: Log) throws -> [Int] {
        var consumed: [Int] = []
        try Evaluation.stream(total: total, overlap: overlap, prepare: { start in
            log.add("prepare \(start) begins")
            usleep(20_000)
            log.add("prepare \(start) ends")
            return PreparedBatch(items: Array(start..<min(start + 3, total)), pixels: [], end: min(start + 3, total))
        }) { batch in
            let start = batch.items[0]
            log.add("consume \(start) begins")
            usleep(40_000)
            consumed += batch.items
            log.add("consume \(start) ends")
        }
        return consumed
    }

    @Test func theNextBatchIsPreparedDuringTheForwardPassAndNoFurther() throws {
        let log = Log()
        #expect(try Self.run(overlap: true, total: 14, log: log) == Array(0..<14))
        for start in stride(from: 3, to: 14, by: 3) {
            // Batch k+1 starts before batch k's forward pass ends...
            #expect(log.index("prepare \(start) begins") < log.index("consume \(start - 3) ends"), "batch \(start) overlaps")
            // ...but not before batch k-1's has ended: at most one batch ahead.
            if start >= 6 { #expect(log.index("consume \(start - 6) ends") < log.index("prepare \(start) begins")) }
        }
    }

    @Test func sequentialPreparesAfterEachForwardPass() throws {
        let log = Log()
        #expect(try Self.run(overlap: false, total: 7, log: log) == Array(0..<7))
        #expect(log.events.withLock { $0 } == [0, 3, 6].flatMap {
            ["prepare \($0) begins", "prepare \($0) ends", "consume \($0) begins", "consume \($0) ends"]
        })
    }

    @Test func aFailingForwardPassWaitsForThePreparedBatchAndStops() throws {
        let log = Log()
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try Evaluation.stream(total: 30, overlap: true, prepare: { start in
                usleep(30_000)
                log.add("prepared \(start)")
                return PreparedBatch(items: [start], pixels: [], end: start + 10)
            }) { batch in
                if batch.items[0] == 10 { throw Stop() }
            }
        }
        // Batch 20 was in preparation when 10 failed: it finished before `stream` returned; nothing after it.
        #expect(log.events.withLock { $0 } == ["prepared 0", "prepared 10", "prepared 20"])
    }

    @Test(arguments: [1, 4, 15])
    func overlapGivesTheSamePredictionsInOrderAsTransformers(batch: Int) throws {
        let model = try ViTCheckpoint(path: Fixtures.sample("models/hf-classifier"))
        let data = try EvaluationData(path: Fixtures.sample("eval"))
        // Overlapped with 3 decoding threads against one after the other on one thread.
        let a = try Evaluation.run(model, data: data, options: .init(batchSize: batch, overlap: true, decodeThreads: 3))
        let b = try Evaluation.run(model, data: data, options: .init(batchSize: batch, overlap: false, decodeThreads: 1))
        #expect(a.predictions.map(\.path) == data.items.map(\.path))
        #expect(a.predictions.map(\.path) == b.predictions.map(\.path))
        #expect(a.predictions.map(\.predictedID) == b.predictions.map(\.predictedID))
        #expect(a.predictions.map(\.probability.bitPattern) == b.predictions.map(\.probability.bitPattern))
        let expected = try #require(Fixtures.expected()["images"]?.arrayValue)
        #expect(a.predictions.map(\.predictedID) == expected.map { $0["predicted_id"]!.intValue! })
    }

    @Test func skippedImagesAreReportedInOrderBetweenBatches() throws {
        try Fixtures.withTemporaryDirectory { dir in
            let broken = dir.appendingPathComponent("broken.png").path
            try Data("not an image".utf8).write(to: URL(fileURLWithPath: broken))
            let rows = try EvaluationData(path: Fixtures.sample("eval.csv")).items.map { "\($0.path),\($0.label)" }
            let manifest = dir.appendingPathComponent("m.csv").path
            try (["path,label"] + rows[..<5] + ["broken.png,rocket"] + rows[5...] + ["broken.png,tabby"]).joined(separator: "\n")
                .write(toFile: manifest, atomically: true, encoding: .utf8)
            let data = try EvaluationData(path: manifest)
            let model = try ViTCheckpoint(path: Fixtures.sample("models/hf-classifier"))
            var seen: [String] = []
            var progress: [Int] = []
            let r = try Evaluation.run(model, data: data, options: .init(batchSize: 4, decodeThreads: 3), progress: { done, _ in progress.append(done) },
                                       failure: { seen.append($0.path) })
            #expect(seen == [broken, broken] && r.failures.count == 2 && r.predictions.count == 15)
            #expect(progress.last == 17 && progress == progress.sorted())
            #expect(throws: ImageError.self) { try Evaluation.run(model, data: data, options: .init(batchSize: 4, strict: true)) }
        }
    }
}
