import NumPy
import Tensors

/// Writes embeddings to a file as they are computed, one batch of rows at a time.
///
/// The format follows the destination's name:
/// - `.npy`: a float32 C-order array `[n, dim]` (`numpy.load` reads it), plus a JSON
///   sidecar `FILE.paths.json` (`sidecarSuffix`):
///   `{"output": "pooler", "normalized": false, "dimension": 768, "paths": [...]}`, the image
///   paths in row order;
/// - `.jsonl`: one line per image, `{"path": ..., "embedding": [...]}`, in order.
///
/// Paths are JSON strings; bytes of a file name that are not UTF-8 are written as `\udcXX`
/// escapes (Python's `surrogateescape`: `os.fsencode(json.loads(line)["path"])` gives the
/// name's bytes back). Floats are the shortest text that reads back as the same float32.
///
/// Every file is written atomically (a hidden temporary beside it, renamed by `commit()`),
/// after `OutputGuard` has checked it. Both files are written and fsync'ed before either is
/// renamed (a full disk fails the run with the old pair untouched); the sidecar is renamed
/// first and the `.npy` last, so a new `.npy` always has its sidecar. Dropping a writer
/// without `commit()` leaves nothing.
public final class EmbeddingWriter {
    /// The output formats.
    public enum Format: String, Sendable {
        /// `.npy` + `.paths.json` sidecar.
        case npy
        /// JSON lines.
        case jsonLines = "jsonl"

        /// The format a destination's name asks for (`.npy` or `.jsonl`, any case).
        ///
        /// - Throws: `EmbeddingError.unsupportedOutput` for any other name.
        public init(path: String) throws(EmbeddingError) {
            let lower = path.lowercased()
            if lower.hasSuffix(".npy") {
                self = .npy
            } else if lower.hasSuffix(".jsonl") {
                self = .jsonLines
            } else {
                throw .unsupportedOutput(path: path)
            }
        }
    }

    /// Appended to a `.npy` destination for its sidecar: `emb.npy` -> `emb.npy.paths.json`.
    public static let sidecarSuffix = ".paths.json"

    /// The destination given.
    public let destination: String
    /// Its format.
    public let format: Format
    /// Rows expected in all.
    public let count: Int
    /// Values per row.
    public let dimension: Int
    let kind: EmbeddingKind
    let normalized: Bool
    let npy: NPYStreamWriter?
    /// The `.npy`'s sidecar, its temporary made with the `.npy`'s and filled by `commit()`.
    let sidecar: AtomicFileWriter?
    let lines: AtomicFileWriter?
    var paths: [String] = []

    /// The files `commit()` writes: the destination, and for `.npy` its sidecar.
    public var files: [String] { format == .npy ? [destination, destination + Self.sidecarSuffix] : [destination] }

    /// Checks every destination with `OutputGuard` (never one of `inputs`, never a device or
    /// FIFO, an existing file only when `replace`) and creates the temporary files.
    ///
    /// - Parameters:
    ///   - count: the number of rows that will be appended.
    ///   - kind, normalized: recorded in the sidecar.
    /// - Throws: `EmbeddingError.unsupportedOutput` for a name that is neither `.npy` nor
    ///   `.jsonl`; `CheckpointError` naming a destination that is refused or not writable.
    public init(destination: String, count: Int, dimension: Int, kind: EmbeddingKind, normalized: Bool,
                inputs: [String], replace: Bool) throws {
        format = try Format(path: destination)
        guard count > 0, dimension > 0 else {
            throw EmbeddingError.rowMismatch(file: destination, reason: "nothing to write (\(count) rows of \(dimension) values)")
        }
        self.destination = destination
        self.count = count
        self.dimension = dimension
        self.kind = kind
        self.normalized = normalized
        try Self.check(destination, inputs: inputs, replace: replace)
        switch format {
        case .npy:
            npy = try NPYStreamWriter(destination: destination, dtype: .f32, shape: [count, dimension])
            sidecar = try AtomicFileWriter(destination: destination + Self.sidecarSuffix)
            lines = nil
        case .jsonLines:
            npy = nil
            sidecar = nil
            lines = try AtomicFileWriter(destination: destination)
        }
        paths.reserveCapacity(count)
    }

    /// Checks a destination as `init` does, without creating anything: its name, and every
    /// file it would write with `OutputGuard` (run it before the model loads).
    ///
    /// - Throws: `EmbeddingError.unsupportedOutput`; `CheckpointError` naming a refused destination.
    public static func check(_ destination: String, inputs: [String], replace: Bool) throws {
        let format = try Format(path: destination)
        let files = format == .npy ? [destination, destination + sidecarSuffix] : [destination]
        for file in files { try OutputGuard.check(file, inputs: inputs, replace: replace, output: .file) }
    }

    /// Appends one row per path, in order.
    ///
    /// - Throws: `EmbeddingError.rowMismatch` for a row that is not `dimension` long, a
    ///   paths/rows count mismatch or more rows than `count`; `CheckpointError.io` when
    ///   writing fails.
    public func append(paths newPaths: [String], rows: [[Float]]) throws {
        guard newPaths.count == rows.count else {
            throw EmbeddingError.rowMismatch(file: destination, reason: "\(newPaths.count) paths for \(rows.count) rows")
        }
        guard paths.count + rows.count <= count else {
            throw EmbeddingError.rowMismatch(file: destination, reason: "expected \(count) rows, found \(paths.count + rows.count)")
        }
        if let bad = rows.first(where: { $0.count != dimension }) {
            throw EmbeddingError.rowMismatch(file: destination, reason: "expected rows of \(dimension) values, found \(bad.count)")
        }
        for (path, row) in zip(newPaths, rows) {
            if let npy {
                try npy.append(row)
            } else if let lines {
                var line = "{\"path\":" + Self.jsonString(path) + ",\"embedding\":["
                for (j, v) in row.enumerated() {
                    if j > 0 { line += "," }
                    line += String(v)
                }
                line += "]}\n"
                try lines.write(Array(line.utf8))
            }
            paths.append(path)
        }
    }

    /// Writes out and fsyncs both files, then renames them into place (sidecar first, then
    /// the `.npy`).
    ///
    /// - Throws: `EmbeddingError.rowMismatch` when fewer than `count` rows were appended
    ///   (nothing is written); `CheckpointError.io` when flushing or renaming fails.
    public func commit() throws {
        guard paths.count == count else {
            throw EmbeddingError.rowMismatch(file: destination, reason: "expected \(count) rows, found \(paths.count)")
        }
        if let npy, let sidecar {
            try npy.prepare()  // every row on disk before the sidecar replaces anything
            try sidecar.write(Array(sidecarText.utf8))
            try sidecar.commit()
            try npy.commit()
        } else if let lines {
            try lines.commit()
        }
    }

    /// The sidecar's JSON: output, normalized, dimension, then the paths one per line.
    var sidecarText: String {
        var out = "{\n  \"output\": \"\(kind.rawValue)\",\n  \"normalized\": \(normalized),\n"
        out += "  \"dimension\": \(dimension),\n  \"paths\": ["
        for (i, path) in paths.enumerated() { out += (i == 0 ? "\n    " : ",\n    ") + Self.jsonString(path) }
        out += paths.isEmpty ? "]\n}\n" : "\n  ]\n}\n"
        return out
    }

    /// `path` as a JSON string: JSON's escapes, and `\udcXX` for each byte of the name that
    /// is not UTF-8 (Python's `surrogateescape`).
    static func jsonString(_ path: String) -> String {
        guard path.unicodeScalars.contains(where: { SystemPath.rawByte($0) != nil }) else { return JSON.string(path).compactText }
        var out = "\""
        var run = ""
        func flushRun() {
            guard !run.isEmpty else { return }
            out += JSON.string(run).compactText.dropFirst().dropLast()
            run = ""
        }
        for s in path.unicodeScalars {
            if let byte = SystemPath.rawByte(s) {
                flushRun()
                out += "\\udc" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
            } else {
                run.unicodeScalars.append(s)
            }
        }
        flushRun()
        return out + "\""
    }
}
