extension Tensor {
    /// Elements converted to float32 at a time by `forEachPiece` (256 KB of floats).
    static let pieceSize = 1 << 16

    /// Calls `body` with `elements` of the tensor converted to float32, in order, in pieces of
    /// at most 64K values held in one reused buffer: bounded memory whatever the tensor's size.
    ///
    /// - Throws: `CheckpointError` from reading the values.
    func forEachPiece(of elements: Range<Int>, _ body: (UnsafeBufferPointer<Float>) -> Void) throws(CheckpointError) {
        var buffer = [Float](repeating: 0, count: Swift.min(elements.count, Self.pieceSize))
        var start = elements.lowerBound
        while start < elements.upperBound {
            let count = Swift.min(Self.pieceSize, elements.upperBound - start)
            try buffer.withUnsafeMutableBufferPointer { (all) throws(CheckpointError) in
                let values = UnsafeMutableBufferPointer(rebasing: all[0..<count])
                try convert(elements: start..<(start + count), into: values)
                body(UnsafeBufferPointer(values))
            }
            start += count
        }
    }
}
