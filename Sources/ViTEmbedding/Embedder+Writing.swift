extension Embedder {
    /// What `write` did.
    public struct Summary: Sendable {
        /// The embedding written (`Embedder.kind`).
        public var kind: EmbeddingKind
        /// Whether `kind` was the checkpoint's default rather than asked for.
        public var kindIsDefault: Bool
        /// Rows written (one per image).
        public var count: Int
        /// Values per row.
        public var dimension: Int
        /// The files written (`EmbeddingWriter.files`).
        public var files: [String]
        /// Images whose embedding was all zeros, left zero by `normalize`.
        public var zeroImages: [String]
    }

    /// Embeds `paths` in batches and streams the rows to `destination` (`.npy` + sidecar, or
    /// `.jsonl`: see `EmbeddingWriter`). Nothing is written unless every image succeeds.
    ///
    /// - Parameters:
    ///   - inputs: every file the run reads (checkpoint files, images); no destination may be one.
    ///   - replace: whether existing destinations may be replaced.
    ///   - progress: called after each batch with (images done, total).
    /// - Throws: what `EmbeddingWriter.init` throws (before any image is read), then what
    ///   `embed(paths:batchSize:_:)` and the writer throw.
    public func write(paths: [String], to destination: String, inputs: [String], replace: Bool, batchSize: Int = 8,
                      progress: ((Int, Int) -> Void)? = nil) throws -> Summary {
        let writer = try EmbeddingWriter(destination: destination, count: paths.count, dimension: dimension, kind: kind,
                                         normalized: normalize, inputs: inputs, replace: replace)
        var zeroImages: [String] = []
        try embed(paths: paths, batchSize: batchSize) { batch in
            try writer.append(paths: batch.paths, rows: batch.rows)
            zeroImages += batch.zeroRows.map { batch.paths[$0] }
            progress?(batch.start + batch.paths.count, paths.count)
        }
        try writer.commit()
        return Summary(kind: kind, kindIsDefault: kindIsDefault, count: paths.count, dimension: dimension,
                       files: writer.files, zeroImages: zeroImages)
    }
}
