import VitKit

/// `inspect --stats`: per-tensor statistics and flags, as JSON members and as a table.
struct InspectStats {
    let names: [String]
    /// nil for a tensor the reader refuses to read (`unread` says why).
    let stats: [TensorStatistics?]
    let flags: [[TensorStatistics.Flag]]
    /// Why a listed tensor was not read: its data is beyond a limit (fill value of an HDF5
    /// dataset never written) or of a type vitkit does not convert. Other errors end the run.
    let unread: [String?]

    /// Reads every listed tensor once, in pieces (bounded memory).
    init(_ checkpoint: Checkpoint, tensors: [TensorInfo], progress: Progress) throws {
        let names = tensors.map(\.name)
        self.names = names
        var stats: [TensorStatistics?] = [], unread: [String?] = []
        defer { progress.clear() }
        for (k, info) in tensors.enumerated() {
            progress.update(done: k, total: tensors.count)
            let tensor: Tensor
            do {
                tensor = try checkpoint.source.tensor(named: info.name)
            } catch {
                guard let reason = Self.unreadReason(error) else { throw error }
                stats.append(nil)
                unread.append(reason)
                continue
            }
            stats.append(try TensorStatistics(tensor))
            unread.append(nil)
            tensor.data.releaseResidentPages()  // mapped pages read once: resident memory stays small
        }
        self.stats = stats
        self.unread = unread
        let read = stats.indices.compactMap { k in stats[k].map { (k, names[k], $0) } }
        let readFlags = TensorStatistics.flags(read.map { ($0.1, $0.2) })
        var flags = [[TensorStatistics.Flag]](repeating: [], count: names.count)
        for (r, f) in zip(read, readFlags) { flags[r.0] = f }
        self.flags = flags
    }

    /// The reason for a tensor left without statistics, or nil when `error` ends the run.
    static func unreadReason(_ error: CheckpointError) -> String? {
        switch error {
        case .invalidTensor(_, _, let reason): reason
        case .unsupportedDType(_, _, let dtype): "unsupported dtype \(dtype)"
        default: nil
        }
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
                members.append(("stats", stats[k].map(Self.json) ?? .null))
                members.append(("flags", .array(flags[k].map { JSON.string($0.rawValue) })))
                if let reason = unread[k] { members.append(("stats_error", .string(reason))) }
                return .object(members)
            }))
        }
    }

    /// The statistics table, then one line per flagged tensor.
    func write(_ emit: ([UInt8]) -> Void) {
        func short(_ v: Double) -> String { v.isFinite ? String(format: "%.4g", v) : "-" }
        TextTable.write(header: ["name", "min", "max", "mean", "std", "nan", "inf", "zeros"], count: names.count, row: { k in
            guard let s = stats[k] else { return [names[k], "-", "-", "-", "-", "-", "-", "-"] }
            return [names[k], short(s.min), short(s.max), short(s.mean), short(s.std), "\(s.nan)", "\(s.inf)", "\(s.zeros)"]
        }, rightAligned: [1, 2, 3, 4, 5, 6, 7], maxWidth: Terminal.stdoutColumns, emit: emit)
        for k in names.indices { if let reason = unread[k] { emit(Array(Terminal.escape("not read: \(names[k]): \(reason)").utf8)) } }
        let flagged = names.indices.filter { !flags[$0].isEmpty }
        emit(Array("\(flagged.count) of \(names.count) tensors flagged".utf8))
        for k in flagged { emit(Array(Terminal.escape("  \(names[k]): \(flags[k].map(\.rawValue).joined(separator: ", "))").utf8)) }
    }
}
