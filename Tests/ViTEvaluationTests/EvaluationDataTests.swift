import Foundation
import Testing
@testable import ViTEvaluation

@Suite("EvaluationData and LabelMatching")
struct EvaluationDataTests {
    static let names = ["tabby", "astronaut", "coffee", "rocket", "camera"]

    @Test func folderCSVAndJSONLinesListTheSameImages() throws {
        let folder = try EvaluationData(path: Fixtures.sample("eval"))
        let csv = try EvaluationData(path: Fixtures.sample("eval.csv"))
        let jsonl = try EvaluationData(path: Fixtures.sample("eval.jsonl"))
        #expect(folder.source == .imageFolder && csv.source == .csv && jsonl.source == .jsonLines)
        #expect(folder.items.count == 15)
        #expect(folder.items.map(\.path) == csv.items.map(\.path))
        #expect(folder.items.map(\.path) == jsonl.items.map(\.path))
        let ids = try LabelMatching(folder, modelLabels: Self.names).ids
        #expect(try LabelMatching(csv, modelLabels: Self.names).ids == ids)
        #expect(try LabelMatching(jsonl, modelLabels: Self.names).ids == ids)
        let expected = try #require(Fixtures.expected()["images"]?.arrayValue)
        #expect(ids == expected.map { $0["true_id"]!.intValue! })
    }

    func manifest(_ name: String, _ text: String, in dir: URL) throws -> String {
        let p = dir.appendingPathComponent(name).path
        try text.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }

    @Test func badManifestLinesNameFileAndLine() throws {
        try Fixtures.withTemporaryDirectory { dir in
            let cases: [(String, String, Int, String)] = [
                ("a.csv", "path,label\nx.png,tabby\ny.png\n", 3, "1 fields, the header has 2"),
                ("b.csv", "file,class\nx.png,tabby\n", 1, "the header must name the columns path and label"),
                ("c.csv", "path,label\n\"x.png,tabby\n", 2, "unterminated quoted field"),
                ("d.jsonl", "{\"path\": \"x.png\", \"label\": 1}\n\n{\"path\": \"y.png\", \"label\": 1.5}\n", 3, "\"label\" must be a name or an integer id"),
                ("e.jsonl", "{\"path\": \"x.png\", \"label\": 1}\n{\"path\": \"y.png\"\n", 2, "invalid JSON"),
                ("f.jsonl", "{\"label\": \"tabby\"}\n", 1, "\"path\" must be a non-empty string"),
            ]
            for (name, text, line, reason) in cases {
                let p = try manifest(name, text, in: dir)
                do {
                    _ = try EvaluationData(path: p)
                    Issue.record("\(name) was accepted")
                } catch let error as EvaluationError {
                    guard case .manifest(let file, let l, let r) = error else { Issue.record("\(error)"); continue }
                    #expect(file == p && l == line && r.contains(reason), "\(error)")
                    #expect(error.description.hasPrefix("\(p):\(line): "))
                }
            }
        }
    }

    @Test func quotedCSVFieldsAndRelativePaths() throws {
        try Fixtures.withTemporaryDirectory { dir in
            let p = try manifest("m.csv", "\u{FEFF}label,path,extra\r\n\"Tabby\",\"a, \"\"b\"\".png\",x\r\n3,/abs/c.png,y\r\n", in: dir)
            let data = try EvaluationData(path: p)
            #expect(data.items.map(\.path) == [dir.path + "/a, \"b\".png", "/abs/c.png"])
            let m = try LabelMatching(data, modelLabels: Self.names)
            #expect(m.ids == [0, 3])
            #expect(m.notes.count == 1 && m.notes[0].contains("'Tabby' -> 'tabby'"))
        }
    }

    @Test func unknownLabelsAreListedWithTheModels() throws {
        try Fixtures.withTemporaryDirectory { dir in
            let p = try manifest("m.jsonl", "{\"path\":\"a.png\",\"label\":\"dog\"}\n{\"path\":\"b.png\",\"label\":7}\n{\"path\":\"c.png\",\"label\":\"dog\"}\n", in: dir)
            let data = try EvaluationData(path: p)
            #expect(throws: EvaluationError.unknownLabels(data: p, labels: ["dog", "7"], modelLabels: Self.names)) {
                try LabelMatching(data, modelLabels: Self.names)
            }
        }
    }

    @Test func notDataIsRefused() throws {
        try Fixtures.withTemporaryDirectory { dir in
            #expect(throws: EvaluationError.data(path: dir.path, reason: "has no class sub-folders (an image folder holds one sub-folder of images per label)")) {
                try EvaluationData(path: dir.path)
            }
            let p = try manifest("m.txt", "hello", in: dir)
            #expect(throws: EvaluationError.self) { try EvaluationData(path: p) }
            let empty = try manifest("e.csv", "path,label\n", in: dir)
            #expect(throws: EvaluationError.data(path: empty, reason: "holds no images")) { try EvaluationData(path: empty) }
        }
    }
}
