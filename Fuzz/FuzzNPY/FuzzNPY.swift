#if canImport(Glibc)
import Glibc
#endif
import NumPy
import Tensors

// libFuzzer entry point: bytes -> a temporary file -> NPYFile (with and without bf16FromV2)
// -> read the tensor, sum its bytes and convert it to Float.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    FuzzFile.write(data, size)
    for bf16 in [false, true] {
        guard let file = try? NPYFile(path: FuzzFile.path, bf16FromV2: bf16) else { continue }
        for info in file.tensors {
            guard let tensor = try? file.tensor(named: info.name) else { continue }
            FuzzFile.consume(tensor, info)
        }
    }
    return 0
}

/// One temporary file per fuzzing process, rewritten for every input.
enum FuzzFile {
    static let path = "/tmp/vitkit-fuzz-\(getpid()).npy"

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
