import Tensors

extension NPYHeader {
    /// The header numpy writes for a C-order array of `dtype` and `shape`, byte for byte:
    /// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`, then numpy's spare room
    /// for growing the first axis (21 digits), spaces so the data starts at a multiple of 64,
    /// and `\n`. Version 1.0 unless the text needs a 4-byte length (then 2.0).
    ///
    /// - Returns: nil for dtypes numpy has no plain descr for (F8).
    static func encode(dtype: DType, shape: [Int]) -> [UInt8]? {
        guard let descr = NPYDescr.descr(for: dtype) else { return nil }
        let dims: String
        switch shape.count {
        case 0: dims = "()"
        case 1: dims = "(\(shape[0]),)"
        default: dims = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        var text = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(dims), }"
        if let first = shape.first { text += String(repeating: " ", count: max(0, 21 - String(first).count)) }
        let body = Array(text.utf8)
        for version: UInt8 in [1, 2] {
            let prefix = version == 1 ? 10 : 12
            let unpadded = prefix + body.count + 1
            let padding = 64 - unpadded % 64  // numpy pads a full 64 when already aligned
            let length = body.count + padding + 1
            if version == 1 && length > 0xFFFF { continue }
            var out = magic + [version, 0]
            if version == 1 { out.appendLE(UInt16(length)) } else { out.appendLE(UInt32(length)) }
            out += body
            out += [UInt8](repeating: 0x20, count: padding)
            out.append(0x0A)
            return out
        }
        return nil
    }

    /// The header for `tensor`, checking that its data holds exactly its shape.
    static func encode(_ tensor: Tensor, file: String, name: String) throws(CheckpointError) -> [UInt8] {
        guard let bytes = Shape.byteCount(tensor.shape, tensor.dtype) else {
            throw .invalidTensor(file: file, tensor: name, reason: "shape \(Shape.describe(tensor.shape)) overflows")
        }
        guard tensor.data.count == bytes else {
            throw .sizeMismatch(file: file, tensor: name, expected: bytes, found: tensor.data.count)
        }
        guard let header = encode(dtype: tensor.dtype, shape: tensor.shape) else {
            throw .unsupportedDType(
                file: file, tensor: name, dtype: "\(tensor.dtype.rawValue) (numpy has no such dtype)")
        }
        return header
    }
}
