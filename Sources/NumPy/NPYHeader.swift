import Tensors

/// What an NPY header declares: `\x93NUMPY`, a version byte pair, a little-endian header
/// length (u16 in 1.0, u32 in 2.0 and 3.0), then a Python dict literal with exactly the keys
/// `descr`, `fortran_order` and `shape`, padded with spaces and ended by `\n`.
struct NPYHeader: Sendable {
    /// Major version: 1, 2 or 3.
    var version: UInt8
    /// Offset of the first array byte from the start of the NPY data.
    var dataOffset: Int
    var descr: String
    var dtype: DType
    /// The stored bytes are big-endian and must be swapped.
    var bigEndian: Bool
    /// The data is column-major and must be transposed to row-major.
    var fortranOrder: Bool
    /// The logical (row-major) shape.
    var shape: [Int]
    /// `elementCount * dtype.byteSize`, checked for overflow.
    var dataByteCount: Int

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
    /// Longest header text accepted (numpy itself refuses more than 10000 characters by default).
    static let maxHeaderLength = 1 << 20
    /// numpy's NPY_MAXDIMS.
    static let maxDimensions = 64

    /// True when the stored bytes can be used as they are: little-endian and row-major (an
    /// array with at most one dimension longer than 1 is laid out the same in both orders).
    var isNative: Bool { !bigEndian && !needsTranspose }

    /// Column-major with more than one dimension longer than 1, so the bytes must move.
    var needsTranspose: Bool { fortranOrder && shape.filter { $0 > 1 }.count > 1 }

    /// Reads and validates a header from NPY data of `size` bytes; `next(n)` returns the next
    /// `n` bytes (it is never asked for more than `size` in all).
    ///
    /// Also checks that `size` is exactly the header plus the declared array, so a shape
    /// larger than the data is refused before anything is allocated.
    ///
    /// - Parameter tensor: the tensor name, for errors.
    static func read(
        size: Int, tensor: String, bf16FromV2: Bool, context: ErrorContext,
        next: (Int) throws(CheckpointError) -> [UInt8]
    ) throws(CheckpointError) -> NPYHeader {
        guard size >= 10 else {
            throw context.malformed("\(size) bytes is too short for an NPY array (header at least 10)")
        }
        let prefix = try next(8)
        guard Array(prefix[0..<6]) == magic else {
            let found = prefix[0..<6].map { String($0, radix: 16) }.joined(separator: " ")
            throw context.malformed("not an NPY array: expected the magic \\x93NUMPY, found bytes \(found)")
        }
        let (major, minor) = (prefix[6], prefix[7])
        guard minor == 0, (1...3).contains(major) else {
            throw context.unsupported("NPY format version \(major).\(minor) is not supported (1.0, 2.0 and 3.0 are)")
        }
        let lengthWidth = major == 1 ? 2 : 4
        guard size >= 8 + lengthWidth else { throw context.malformed("NPY data ends inside its header length") }
        let lengthBytes = try next(lengthWidth)
        var textLength = 0
        for (k, b) in lengthBytes.enumerated() { textLength |= Int(b) << (8 * k) }
        let dataOffset = 8 + lengthWidth + textLength
        guard textLength <= maxHeaderLength else {
            throw context.malformed(
                "NPY header declares \(textLength) bytes of text, more than the \(maxHeaderLength) accepted")
        }
        guard dataOffset <= size else {
            throw context.malformed(
                "NPY header declares \(textLength) bytes of text but only \(size - 8 - lengthWidth) follow")
        }
        let text = try next(textLength)
        var header = try parseDict(text, version: major, tensor: tensor, bf16FromV2: bf16FromV2, context: context)
        header.dataOffset = dataOffset
        guard size - dataOffset == header.dataByteCount else {
            throw .sizeMismatch(
                file: context.file, tensor: tensor, expected: header.dataByteCount, found: size - dataOffset)
        }
        return header
    }

    /// Parses the dict text and validates its three values.
    static func parseDict(
        _ text: [UInt8], version: UInt8, tensor: String, bf16FromV2: Bool, context: ErrorContext
    ) throws(CheckpointError) -> NPYHeader {
        var shown: String { String(decoding: text.prefix(200), as: UTF8.self).trimmingSpaces }  // for errors only
        let literal: PythonLiteral
        do {
            literal = try PythonLiteral.parse(text, latin1: version < 3)
        } catch {
            throw context.malformed(
                "NPY header is not a valid Python literal (\(error.reason) at byte \(error.offset)): \(shown)")
        }
        guard case .dict(let pairs) = literal else { throw context.malformed("NPY header is not a dict: \(shown)") }
        var values: [String: PythonLiteral] = [:]
        for pair in pairs { values[pair.key] = pair.value }
        guard values.keys.sorted() == ["descr", "fortran_order", "shape"] else {
            let found = values.keys.sorted().joined(separator: ", ")
            throw context.malformed(
                "NPY header must have exactly the keys descr, fortran_order and shape; found \(found)")
        }
        guard case .bool(let fortran) = values["fortran_order"] else {
            throw context.malformed("NPY header: fortran_order is not True or False: \(shown)")
        }
        guard case .tuple(let dims) = values["shape"] else {
            throw context.malformed("NPY header: shape is not a tuple: \(shown)")
        }
        var shape: [Int] = []
        for d in dims {
            guard case .int(let n) = d, n >= 0 else {
                throw context.malformed("NPY header: shape must hold non-negative integers: \(shown)")
            }
            shape.append(n)
        }
        guard shape.count <= maxDimensions else {
            throw context.malformed("NPY header: \(shape.count) dimensions, more than numpy's \(maxDimensions)")
        }
        let (dtype, bigEndian, descr) = try decodeDescr(
            values["descr"]!, tensor: tensor, bf16FromV2: bf16FromV2, context: context)
        guard let bytes = Shape.byteCount(shape, dtype) else {
            throw .invalidTensor(file: context.file, tensor: tensor, reason: "shape \(Shape.describe(shape)) overflows")
        }
        return NPYHeader(
            version: version, dataOffset: 0, descr: descr, dtype: dtype, bigEndian: bigEndian,
            fortranOrder: fortran, shape: shape, dataByteCount: bytes)
    }

    static func decodeDescr(
        _ value: PythonLiteral, tensor: String, bf16FromV2: Bool, context: ErrorContext
    ) throws(CheckpointError) -> (DType, Bool, String) {
        guard case .string(let descr) = value else {
            throw .unsupportedDType(
                file: context.file, tensor: tensor,
                dtype: "of a structured array (a list of fields); only plain numeric arrays are supported")
        }
        switch NPYDescr.decode(descr, bf16FromV2: bf16FromV2) {
        case .dtype(let dtype, let bigEndian):
            return (dtype, bigEndian, descr)
        case .pickle:
            throw .unsupportedDType(
                file: context.file, tensor: tensor,
                dtype: "'\(descr)': Python objects stored as pickles, which vitkit refuses to load")
        case .void2:
            throw .unsupportedDType(
                file: context.file, tensor: tensor,
                dtype: "'\(descr)' (raw 2-byte void); if it holds ml_dtypes bfloat16, open the file with "
                    + "bf16FromV2 to read it as BF16")
        case .unsupported:
            throw .unsupportedDType(file: context.file, tensor: tensor, dtype: "'\(descr)'")
        }
    }
}

extension String {
    /// Without leading and trailing spaces and newlines.
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\n" }),
            let last = scalars.lastIndex(where: { $0 != " " && $0 != "\n" })
        else { return "" }
        return String(scalars[first...last])
    }
}
