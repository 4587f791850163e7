#if canImport(Glibc)
import Glibc
#endif
import HDF5
import Tensors

// libFuzzer entry point: bytes -> a temporary file -> HDF5File and KerasWeightsFile, each
// tensor read (bytes summed, converted to Float). libhdf5 itself is not instrumented: this
// exercises vitkit's wrapper (walk, safety checks, attribute decoding, reads).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHDF5(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    FuzzFile.write(data, size)
    if let file = try? HDF5File(path: FuzzFile.path) {
        _ = file.metadata
        for info in file.tensors {
            guard let tensor = try? file.tensor(named: info.name) else { continue }
            FuzzFile.consume(tensor, info)
        }
        for (name, _) in file.refusedDatasets { _ = try? file.tensor(named: name) }
    }
    _ = KerasWeightsFile.isKerasWeights(FuzzFile.path)
    if let keras = try? KerasWeightsFile(path: FuzzFile.path) {
        for info in keras.tensors {
            guard let tensor = try? keras.tensor(named: info.name) else { continue }
            FuzzFile.consume(tensor, info)
        }
    }
    return 0
}

/// One temporary file per fuzzing process, rewritten for every input.
enum FuzzFile {
    static let path = "/tmp/vitkit-fuzz-\(getpid()).h5"

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

    /// Touches every byte of `tensor` and checks it against what the file declared.
    static func consume(_ tensor: Tensor, _ info: TensorInfo) {
        precondition(tensor.shape == info.shape && tensor.dtype == info.dtype)
        precondition(tensor.data.count == info.byteCount, "tensor holds \(tensor.data.count) bytes, declared \(info.byteCount)")
        let sum = tensor.data.withUnsafeBytes { $0.reduce(UInt8(0)) { $0 &+ $1 } }
        withExtendedLifetime(sum) {}
        _ = try? tensor.floats()
    }
}
