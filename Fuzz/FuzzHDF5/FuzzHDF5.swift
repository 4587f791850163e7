#if canImport(Glibc)
import Glibc
#endif
import HDF5
import FuzzSupport
import Tensors

// libFuzzer entry point: bytes -> a temporary file -> HDF5File and KerasWeightsFile, each
// tensor read (bytes summed, converted to Float). libhdf5 itself is not instrumented: this
// exercises vitkit's wrapper (walk, safety checks, attribute decoding, reads).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHDF5(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    fuzzFile.write(data, size)
    if let file = try? HDF5File(path: fuzzFile.path) {
        _ = file.metadata
        for info in file.tensors {
            guard let tensor = try? file.tensor(named: info.name) else { continue }
            FuzzFile.consume(tensor, info)
        }
        for (name, _) in file.refusedDatasets { _ = try? file.tensor(named: name) }
    }
    _ = KerasWeightsFile.isKerasWeights(fuzzFile.path)
    fuzzFile.readAll { try KerasWeightsFile(path: $0) }
    return 0
}

let fuzzFile = FuzzFile(suffix: "h5")
