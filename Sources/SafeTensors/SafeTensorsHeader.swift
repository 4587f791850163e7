import Tensors

/// The parsed and validated header of a safetensors file.
///
/// Validation follows the reference parser (huggingface/safetensors): header length at most
/// 100,000,000 bytes and inside the file, valid UTF-8 JSON object, known dtypes, shapes whose
/// byte size does not overflow and equals `end - begin`, data offsets contiguous from 0 with
/// no gap or overlap, and a data buffer with no missing or trailing bytes.
package struct SafeTensorsHeader: Sendable {
    /// One tensor entry, with its data range relative to the start of the file.
    package struct Entry: Sendable {
        package var info: TensorInfo
        /// Byte range inside the whole file (header included).
        package var fileRange: Range<Int>
    }

    /// Largest header the reference parser accepts.
    package static let maxHeaderLength = 100_000_000

    /// Entries in data order (ascending offsets).
    package var entries: [Entry]
    /// `__metadata__`, in document order.
    package var metadata: [(key: String, value: String)]
    /// Entries of dtypes safetensors defines but vitkit cannot represent (C64, F6_*): their
    /// sizes and offsets are checked like every entry's, then they are listed, never read.
    package var skipped: [(name: String, reason: String)] = []
    /// Offset of the data buffer in the file (8 + header length).
    package var dataStart: Int

    /// Parses the header of a file whose bytes are `bytes`; `path` is only used in messages.
    package static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(CheckpointError) -> SafeTensorsHeader {
        func bad(_ reason: String) -> CheckpointError { .malformed(file: path, reason: reason) }
        guard bytes.count >= 8 else {
            throw bad("file is \(bytes.count) bytes, too short for a safetensors header (8-byte length + JSON)")
        }
        let n = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        guard n <= UInt64(maxHeaderLength) else {
            throw bad("header length \(n) exceeds the limit of \(maxHeaderLength) bytes")
        }
        let headerLength = Int(n)
        guard 8 + headerLength <= bytes.count else {
            throw bad("header length \(headerLength) goes beyond the end of the file (\(bytes.count) bytes)")
        }
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[8..<(8 + headerLength)])
        guard isValidUTF8(headerBytes) else { throw bad("header is not valid UTF-8") }
        let dataStart = 8 + headerLength
        let bufferSize = bytes.count - dataStart

        // Entries are checked as they are parsed (the header object is never held whole); the
        // first problem in document order is thrown once the JSON itself is known to be valid.
        var metadata: [(key: String, value: String)] = []
        var parsed: [(info: TensorInfo, begin: Int, end: Int, skip: String?)] = []
        var problem: CheckpointError?
        let isObject: Bool
        do {
            isObject = try JSON.parseMembers(headerBytes) { name, value in
                guard problem == nil else { return }
                do throws(CheckpointError) {
                    if name == "__metadata__" {
                        guard let items = value.objectValue else { throw bad("__metadata__ is not an object of strings") }
                        for (k, v) in items {
                            guard let s = v.stringValue else { throw bad("__metadata__ value for '\(k)' is not a string") }
                            metadata.append((k, s))
                        }
                    } else {
                        parsed.append(try parseEntry(name: name, value: value, path: path))
                    }
                } catch {
                    problem = error
                }
            }
        } catch {
            throw bad("header is not valid JSON: \(error.description)")
        }
        guard isObject else { throw bad("header is not a JSON object") }
        if let problem { throw problem }

        parsed.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var expected = 0
        for p in parsed {
            guard p.begin == expected else {
                if p.begin < expected {
                    throw .invalidTensor(file: path, tensor: p.info.name,
                                         reason: "data_offsets [\(p.begin), \(p.end)) overlap the previous tensor, which ends at \(expected)")
                }
                throw .invalidTensor(file: path, tensor: p.info.name,
                                     reason: "data_offsets start at \(p.begin), leaving a gap after offset \(expected)")
            }
            expected = p.end
        }
        guard expected == bufferSize else {
            if expected > bufferSize {
                throw bad("tensors need \(expected) bytes of data but the file holds \(bufferSize) after the header (truncated?)")
            }
            throw bad("\(bufferSize - expected) trailing bytes after the last tensor (data buffer is \(bufferSize) bytes, tensors use \(expected))")
        }
        let entries = parsed.filter { $0.skip == nil }.map { Entry(info: $0.info, fileRange: (dataStart + $0.begin)..<(dataStart + $0.end)) }
        var header = SafeTensorsHeader(entries: entries, metadata: metadata, dataStart: dataStart)
        header.skipped = parsed.compactMap { p in p.skip.map { (p.info.name, $0) } }
        return header
    }

    /// UTF-8 validation without copying: an all-ASCII header (the usual case) is checked byte by byte.
    static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if !bytes.contains(where: { $0 >= 0x80 }) { return true }
        return String(validating: bytes, as: UTF8.self) != nil
    }

    /// Bits per element of the dtypes safetensors defines that vitkit lists but does not read:
    /// complex numbers, and F6 (no reference library writes it; its bit packing is not defined).
    static let unreadableBits: [String: Int] = ["C64": 64, "F6_E2M3": 6, "F6_E3M2": 6]

    static func parseEntry(name: String, value: JSON, path: String) throws(CheckpointError)
        -> (info: TensorInfo, begin: Int, end: Int, skip: String?) {
        func bad(_ reason: String) -> CheckpointError { .invalidTensor(file: path, tensor: name, reason: reason) }
        guard value.objectValue != nil else { throw bad("entry is not a JSON object") }
        guard let dtypeName = value["dtype"]?.stringValue else { throw bad("missing or non-string 'dtype'") }
        let dtype = DType(rawValue: dtypeName)
        guard let bits = dtype?.bitSize ?? Self.unreadableBits[dtypeName] else {
            throw .unsupportedDType(file: path, tensor: name, dtype: dtypeName)
        }
        guard let shapeItems = value["shape"]?.arrayValue else { throw bad("missing or non-array 'shape'") }
        var shape: [Int] = []
        for item in shapeItems {
            guard let d = item.intValue, d >= 0 else { throw bad("shape \(JSON.array(shapeItems).compactText) has an invalid dimension") }
            shape.append(d)
        }
        guard let offsets = value["data_offsets"]?.arrayValue, offsets.count == 2,
              let begin = offsets[0].intValue, let end = offsets[1].intValue, begin >= 0, end >= begin
        else { throw bad("'data_offsets' must be two non-negative integers [begin, end] with begin <= end") }
        // Sized as safetensors sizes every dtype: `elements x bits`, a whole number of bytes
        // (packed F4/F6 elements may not end mid-byte), equal to the data range.
        guard let elements = Shape.elementCount(shape) else {
            throw bad("shape \(Shape.describe(shape)) of \(dtypeName) overflows the addressable size")
        }
        let (totalBits, overflow) = elements.multipliedReportingOverflow(by: bits)
        guard !overflow else { throw bad("shape \(Shape.describe(shape)) of \(dtypeName) overflows the addressable size") }
        guard totalBits % 8 == 0 else { throw bad("\(elements) elements of \(dtypeName) (\(bits) bits) are not a whole number of bytes") }
        guard totalBits / 8 == end - begin else { throw .sizeMismatch(file: path, tensor: name, expected: totalBits / 8, found: end - begin) }
        if let dtype { return (TensorInfo(name: name, dtype: dtype, shape: shape), begin, end, nil) }
        // A dtype vitkit cannot represent: listed, never read. The placeholder dtype is never
        // exposed: the entry goes to `skipped`, not `entries`.
        let info = TensorInfo(name: name, dtype: .u8, shape: [end - begin])
        let why = dtypeName == "C64" ? "complex values have no real float32 value"
            : "safetensors does not define how \(dtypeName) elements pack into bytes"
        return (info, begin, end, "dtype \(dtypeName) (shape \(Shape.describe(shape)), \(end - begin) bytes): \(why); listed, not read")
    }
}
