#if canImport(Glibc)
import Glibc
#endif
import NumPy
import FuzzSupport
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
        zip.withUnsafeBufferPointer { fuzzFile.write($0.baseAddress!, $0.count) }
    } else {
        fuzzFile.write(data, size)
    }
    for bf16 in [false, true] {
        fuzzFile.readAll { try NPZFile(path: $0, bf16FromV2: bf16) }
    }
    return 0
}

let fuzzFile = FuzzFile(suffix: "npz")

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
