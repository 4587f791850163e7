import Foundation
import VitKit

/// `inspect A --compare B`: which graph parts moved from B (a base) to A (a fine-tune), and by
/// how much (‖A − B‖ / ‖B‖ per part and per tensor).
enum InspectCompare {
    static func run(_ a: ViTCheckpoint, _ b: ViTCheckpoint, json: Bool) throws {
        let diff = try CheckpointDiff(a, b, atol: 0)
        if json {
            guard case .object(let members) = diff.json else { return }
            print(JSON.object([("a", .string(a.checkpoint.path)), ("b", .string(b.checkpoint.path))]
                + members.filter { $0.0 != "agree" && $0.0 != "atol" }).prettyText)
            return
        }
        printText(Terminal.escape("relative change ‖A − B‖ / ‖B‖ of A = \(a.checkpoint.path) from B = \(b.checkpoint.path)"))
        let parts = diff.parts
        for line in TextTable.render(header: ["graph part", "tensors", "changed", "relative change"], rows: parts.map { p in
            [p.name, "\(p.tensors)", "\(p.changed)", p.relativeChange.map(percent) ?? "-"]
        }, rightAligned: [1, 2, 3]) { printText(line) }
        let moved = diff.entries.filter { ($0.relativeChange ?? 0) > 0 }.sorted { $0.relativeChange! > $1.relativeChange! }
        if !moved.isEmpty {
            printText("\nmost changed tensors:")
            for e in moved.prefix(10) { printText("  \(percent(e.relativeChange!))  \(e.name)") }
        }
        for (status, label) in [(CheckpointDiff.Status.onlyInA, "only in A"), (.onlyInB, "only in B"), (.shapeMismatch, "shapes differ")] {
            let names = diff.entries.filter { $0.status == status }.map(\.name)
            if !names.isEmpty { printText("\(label): \(names.joined(separator: ", "))") }
        }
    }

    /// `12.3%`, `0.0041%`, `inf`.
    static func percent(_ v: Double) -> String {
        guard v.isFinite else { return "inf" }
        if v == 0 { return "0" }
        return String(format: "%.3g", v * 100) + "%"
    }
}
