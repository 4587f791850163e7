import VitKit

/// `inspect --stats`: per-tensor statistics and flags, as JSON members and as a table.
struct InspectStats {
    let names: [String]
    let stats: [TensorStatistics]
    let flags: [[TensorStatistics.Flag]]

    /// Reads every listed tensor once, in pieces (bounded memory).
    init(_ checkpoint: Checkpoint, tensors: [TensorInfo], progress: Progress) throws {
        names = tensors.map(\.name)
        var stats: [TensorStatistics] = []
        defer { progress.clear() }
        for (k, info) in tensors.enumerated() {
            progress.update(done: k, total: tensors.count)
            let tensor = try checkpoint.source.tensor(named: info.name)
            stats.append(try TensorStatistics(tensor))
            tensor.data.releaseResidentPages()  // mapped pages read once: resident memory stays small
        }
        self.stats = stats
        flags = TensorStatistics.flags(zip(names, stats).map { ($0, $1) })
    }

    /// `{min, max, mean, std, nan, inf, zeros}`; values without a finite element are null.
    static func json(_ s: TensorStatistics) -> JSON {
        func number(_ v: Double) -> JSON { v.isFinite ? .number(String(v)) : .null }
        return .object([("min", number(s.min)), ("max", number(s.max)), ("mean", number(s.mean)), ("std", number(s.std)),
                        ("nan", .int(s.nan)), ("inf", .int(s.inf)), ("zeros", .int(s.zeros))])
    }

    /// `summary` (the `inspect --json` object) with `stats` and `flags` added to each tensor entry.
    func adding(to summary: [(String, JSON)]) -> [(String, JSON)] {
        summary.map { key, value in
            guard key == "tensors", case .array(let entries) = value else { return (key, value) }
            return (key, .array(entries.enumerated().map { k, entry in
                guard case .object(var members) = entry else { return entry }
                members.append(("stats", Self.json(stats[k])))
                members.append(("flags", .array(flags[k].map { JSON.string($0.rawValue) })))
                return .object(members)
            }))
        }
    }

    /// The statistics table, then one line per flagged tensor.
    func write(_ emit: ([UInt8]) -> Void) {
        func short(_ v: Double) -> String { v.isFinite ? String(format: "%.4g", v) : "-" }
        TextTable.write(header: ["name", "min", "max", "mean", "std", "nan", "inf", "zeros"], count: names.count, row: { k in
            let s = stats[k]
            return [names[k], short(s.min), short(s.max), short(s.mean), short(s.std), "\(s.nan)", "\(s.inf)", "\(s.zeros)"]
        }, rightAligned: [1, 2, 3, 4, 5, 6, 7], maxWidth: Terminal.stdoutColumns, emit: emit)
        let flagged = names.indices.filter { !flags[$0].isEmpty }
        emit(Array("\(flagged.count) of \(names.count) tensors flagged".utf8))
        for k in flagged { emit(Array(Terminal.escape("  \(names[k]): \(flags[k].map(\.rawValue).joined(separator: ", "))").utf8)) }
    }
}
