internal import CCrypto
import Tensors

/// SHA-256 of source files for the native format's provenance metadata, through OpenSSL's
/// libcrypto (which uses the CPU's SHA extensions: a hand-written Swift loop ran at 208 MB/s).
package final class SHA256 {
    private let context: OpaquePointer

    /// A fresh digest.
    package init() {
        guard let ctx = ccrypto_sha256_new() else { fatalError("libcrypto cannot create a SHA-256 context") }
        context = ctx
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Hashes more bytes.
    package func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        EVP_DigestUpdate(context, base, bytes.count)
    }

    /// The lowercase hex digest of everything hashed.
    package func finalize() -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = digest.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        return digest.prefix(Int(length)).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// The hex digest of `bytes`.
    package static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
        let state = SHA256()
        state.update(bytes)
        return state.finalize()
    }

    /// The hex digest of a file's contents (memory-mapped, read in 8 MB pieces whose pages
    /// are dropped after hashing, so resident memory stays small).
    package static func hex(file path: String) throws(CheckpointError) -> String {
        let f = try MappedFile(path: path)
        let state = SHA256()
        let chunk = 8 << 20
        var offset = 0
        while offset < f.count {
            let r = offset..<min(offset + chunk, f.count)
            f.adviseSequential(r)
            state.update(UnsafeRawBufferPointer(rebasing: f.bytes[r]))
            f.release(r)
            offset = r.upperBound
        }
        return state.finalize()
    }
}
