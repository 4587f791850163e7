import Checkpoints
import Tensors

/// Text rendering of `CheckpointSummary` for the terminal.
enum SummaryTable {
    static func render(_ s: CheckpointSummary) -> String {
        var lines: [String] = []
        lines.append("\(s.path)  (\(s.format))")
        let rows = s.tensors.map { t in
            [t.name, t.dtype.rawValue, Shape.describe(t.shape), grouped(t.elementCount), grouped(t.byteCount)]
        }
        lines.append(contentsOf: TextTable.render(header: ["name", "dtype", "shape", "parameters", "bytes"],
                                                  rows: rows, rightAligned: [3, 4]))
        let filtered = s.filter.map { " matching '\($0)'" } ?? ""
        lines.append("\(s.tensors.count) tensors\(filtered), \(grouped(s.parameters)) parameters, \(grouped(s.bytes)) bytes (\(human(s.bytes)))")
        for item in s.skipped { lines.append("skipped \(item.name): \(item.reason)") }
        if !s.metadata.isEmpty {
            lines.append("metadata:")
            for (k, v) in s.metadata { lines.append("  \(k): \(v)") }
        }
        if let config = s.config, let members = config.objectValue {
            lines.append("config:")
            for (k, v) in members { lines.append("  \(k): \(v.compactText)") }
        }
        return lines.map { Terminal.escape($0) }.joined(separator: "\n")
    }

    /// 1234567 as "1,234,567".
    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n.magnitude))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return (n < 0 ? "-" : "") + out
    }

    static func human(_ bytes: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var v = Double(bytes), u = 0
        while v >= 1000, u < units.count - 1 { v /= 1000; u += 1 }
        let tenths = Int((v * 10).rounded())
        return u == 0 ? "\(bytes) B" : "\(tenths / 10).\(tenths % 10) \(units[u])"
    }
}

/// Column-aligned plain-text tables.
enum TextTable {
    static func render(header: [String], rows: [[String]], rightAligned: Set<Int> = []) -> [String] {
        let rows = rows.map { $0.map { Terminal.escape($0) } }
        var widths = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                let pad = String(repeating: " ", count: widths[i] - c.count)
                return rightAligned.contains(i) ? pad + c : c + pad
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        return [line(header)] + rows.map(line)
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
