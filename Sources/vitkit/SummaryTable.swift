import VitKit

/// Text rendering of `CheckpointSummary` for the terminal.
enum SummaryTable {
    /// The `inspect` table and footer (ending in a newline), handed to `emit` in pieces of about 1 MB:
    /// a header of a million tensors is never held as rows, lines or one big string.
    static func write(_ s: CheckpointSummary, _ emit: (String) -> Void) {
        var out: [UInt8] = []
        func flush(atLeast size: Int) {
            guard out.count >= size else { return }
            emit(String(decoding: out, as: UTF8.self))
            out.removeAll(keepingCapacity: true)
        }
        func line(_ bytes: some Sequence<UInt8>) {
            out.append(contentsOf: bytes)
            out.append(0x0A)
            flush(atLeast: 1 << 20)
        }
        line(Terminal.escape("\(s.path)  (\(s.format))").utf8)
        TextTable.write(header: ["name", "dtype", "shape", "parameters", "bytes"], count: s.tensors.count, row: { k in
            let t = s.tensors[k]
            return [t.name, t.dtype.rawValue, Shape.describe(t.shape), grouped(t.elementCount), grouped(t.byteCount)]
        }, rightAligned: [3, 4], maxWidth: Terminal.stdoutColumns, emit: line)
        let filtered = s.filter.map { " matching '\($0)'" } ?? ""
        line("\(s.tensors.count) tensors\(filtered), \(grouped(s.parameters)) parameters, \(grouped(s.bytes)) bytes (\(human(s.bytes)))".utf8)
        for item in s.skipped { line(Terminal.escape("skipped \(item.name): \(item.reason)").utf8) }
        if !s.metadata.isEmpty {
            line("metadata:".utf8)
            for (k, v) in s.metadata { line(Terminal.escape("  \(k): \(v)").utf8) }
        }
        if let config = s.config, let members = config.objectValue {
            line("config:".utf8)
            for (k, v) in members { line(Terminal.escape("  \(k): \(v.compactText)").utf8) }
        }
        flush(atLeast: 1)
    }

    /// 1234567 as "1,234,567".
    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n.magnitude).utf8)
        var out: [UInt8] = n < 0 ? [UInt8(ascii: "-")] : []
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(UInt8(ascii: ",")) }
            out.append(d)
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func human(_ bytes: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var v = Double(bytes), u = 0
        while v >= 1000, u < units.count - 1 { v /= 1000; u += 1 }
        let tenths = Int((v * 10).rounded())
        return u == 0 ? "\(bytes) B" : "\(tenths / 10).\(tenths % 10) \(units[u])"
    }
}
