#if canImport(Glibc)
import Glibc
#endif
import NumPy
import Tensors

// libFuzzer entry point: bytes -> a temporary file -> NPZFile (with and without bf16FromV2)
// -> read every member, sum its bytes and convert it to Float.
//
// Random archives rarely pass the CRC-32 check that guards a member's data, so an input that
// starts with the NPY magic is first wrapped as the one stored member `x.npy` of a valid ZIP
// (correct sizes and CRC): that reaches the member-reading and layout-conversion paths.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPZ(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = UnsafeBufferPointer(start: data, count: size)
    if input.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) {
        let zip = StoredZIP.archive(member: "x.npy", data: input)
        zip.withUnsafeBufferPointer { FuzzFile.write($0.baseAddress!, $0.count) }
    } else {
        FuzzFile.write(data, size)
    }
    for bf16 in [false, true] {
        guard let file = try? NPZFile(path: FuzzFile.path, bf16FromV2: bf16) else { continue }
        for info in file.tensors {
            guard let tensor = try? file.tensor(named: info.name) else { continue }
            FuzzFile.consume(tensor, info)
        }
    }
    return 0
}

/// One temporary file per fuzzing process, rewritten for every input.
enum FuzzFile {
    static let path = "/tmp/vitkit-fuzz-\(getpid()).npz"

    static func write(_ data: UnsafePointer<UInt8>, _ size: Int) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        precondition(fd >= 0, "cannot create \(path)")
        var done = 0
        while done < size {
            let n = Glibc.write(fd, data + done, size - done)
            precondition(n > 0, "cannot write \(path)")
            done += n
        }
        close(fd)
    }

    /// Touches every byte of `tensor` and checks it against what the header declared.
    static func consume(_ tensor: Tensor, _ info: TensorInfo) {
        precondition(tensor.shape == info.shape && tensor.dtype == info.dtype)
        precondition(tensor.data.count == info.byteCount, "tensor holds \(tensor.data.count) bytes, declared \(info.byteCount)")
        let sum = tensor.data.withUnsafeBytes { $0.reduce(UInt8(0)) { $0 &+ $1 } }
        withExtendedLifetime(sum) {}
        _ = try? tensor.floats()
    }
}

/// A one-member ZIP archive with the member stored (no ZIP64), as `np.savez` would write a
/// small array.
enum StoredZIP {
    static func archive(member: String, data: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        let name = Array(member.utf8)
        let crc = crc32(data)
        var out: [UInt8] = []
        func le16(_ v: Int) { out += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func le32(_ v: UInt32) { for k in 0..<4 { out.append(UInt8((v >> (8 * UInt32(k))) & 0xFF)) } }
        // Local header.
        le32(0x0403_4B50); le16(20); le16(0); le16(0); le16(0); le16(0)
        le32(crc); le32(UInt32(data.count)); le32(UInt32(data.count)); le16(name.count); le16(0)
        out += name
        out += data
        let directory = out.count
        // Central directory header.
        le32(0x0201_4B50); le16(20); le16(20); le16(0); le16(0); le16(0); le16(0)
        le32(crc); le32(UInt32(data.count)); le32(UInt32(data.count)); le16(name.count); le16(0); le16(0)
        le16(0); le16(0); le32(0); le32(0)
        out += name
        let directorySize = out.count - directory
        // End of central directory.
        le32(0x0605_4B50); le16(0); le16(0); le16(1); le16(1)
        le32(UInt32(directorySize)); le32(UInt32(directory)); le16(0)
        return out
    }

    static let table: [UInt32] = (0..<256).map { (i: UInt32) in
        var c = i
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
