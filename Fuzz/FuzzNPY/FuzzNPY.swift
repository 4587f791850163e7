#if canImport(Glibc)
import Glibc
#endif
import NumPy
import FuzzSupport
import Tensors

// libFuzzer entry point: bytes -> a temporary file -> NPYFile (with and without bf16FromV2)
// -> read the tensor, sum its bytes and convert it to Float.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    fuzzFile.write(data, size)
    for bf16 in [false, true] {
        fuzzFile.readAll { try NPYFile(path: $0, bf16FromV2: bf16) }
    }
    return 0
}

let fuzzFile = FuzzFile(suffix: "npy")
