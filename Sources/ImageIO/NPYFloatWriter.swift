import Tensors

extension ImagePreprocessor {
    /// Writes a float32 tensor as a NumPy `.npy` file (format 1.0, `<f4`, C order), with
    /// the header numpy's `np.save` writes (spare space for growth, padded with spaces so
    /// the data starts at a multiple of 64). The file is replaced atomically.
    ///
    /// - Throws: `ImageError.io` when the file cannot be written or the tensor is not F32.
    public static func writeNPY(_ tensor: Tensor, path: String) throws(ImageError) {
        guard tensor.dtype == .f32 else { throw .io(file: path, reason: "only float32 tensors are written as .npy") }
        let header = npyHeader(shape: tensor.shape)
        do {
            let writer = try AtomicFileWriter(destination: path)
            try writer.write(header)
            try tensor.data.withUnsafeBytes { (b) throws(CheckpointError) in try writer.write(b) }
            try writer.commit()
        } catch {
            if case .io(_, let reason) = error { throw .io(file: path, reason: reason) }
            throw .io(file: path, reason: error.description)
        }
    }

    /// Magic, version 1.0, header length and the padded dict literal, as numpy writes them.
    static func npyHeader(shape: [Int]) -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var dict = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
        // numpy leaves room to grow the first axis to 21 digits in place.
        if let first = shape.first { dict += String(repeating: " ", count: max(0, 21 - String(first).count)) }
        let prefix = 6 + 2 + 2
        let padding = 64 - (prefix + dict.utf8.count + 1) % 64
        dict += String(repeating: " ", count: padding) + "\n"
        let length = UInt16(dict.utf8.count)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(dict.utf8)
    }
}
