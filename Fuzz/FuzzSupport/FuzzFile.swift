#if canImport(Glibc)
import Glibc
#endif
import Tensors

/// One temporary file per fuzzing process, rewritten for every input, for the readers that
/// open paths (NPY, NPZ, HDF5).
public struct FuzzFile: Sendable {
    public let path: String

    /// `/tmp/vitkit-fuzz-<pid>.<suffix>`.
    public init(suffix: String) {
        path = "/tmp/vitkit-fuzz-\(getpid()).\(suffix)"
    }

    /// Replaces the file's contents with the input.
    public func write(_ data: UnsafePointer<UInt8>, _ size: Int) {
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

    /// Touches every byte of `tensor` and checks it against what the container declared.
    public static func consume(_ tensor: Tensor, _ info: TensorInfo) {
        precondition(tensor.shape == info.shape && tensor.dtype == info.dtype)
        precondition(tensor.data.count == info.byteCount, "tensor holds \(tensor.data.count) bytes, declared \(info.byteCount)")
        let sum = tensor.data.withUnsafeBytes { $0.reduce(UInt8(0)) { $0 &+ $1 } }
        withExtendedLifetime(sum) {}
        _ = try? tensor.floats()
    }

    /// Opens the file with `open` and consumes every tensor it lists.
    public func readAll(_ open: (String) throws -> any TensorSource) {
        guard let source = try? open(path) else { return }
        for info in source.tensors {
            guard let tensor = try? source.tensor(named: info.name) else { continue }
            Self.consume(tensor, info)
        }
    }
}
