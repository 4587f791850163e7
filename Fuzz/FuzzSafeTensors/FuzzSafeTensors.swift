import SafeTensors
import Tensors

// libFuzzer entry point: bytes -> SafeTensorsHeader.parse, then every tensor's byte range is
// read (summed) and converted to Float. Errors are expected; traps and ASan reports are bugs.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    guard let header = try? SafeTensorsHeader.parse(bytes, path: "<fuzz>") else { return 0 }
    var sum: UInt8 = 0
    for entry in header.entries {
        precondition(entry.fileRange.lowerBound >= header.dataStart && entry.fileRange.upperBound <= size)
        for b in UnsafeRawBufferPointer(rebasing: bytes[entry.fileRange]) { sum &+= b }
        let tensor = Tensor(dtype: entry.info.dtype, shape: entry.info.shape, data: .copying(UnsafeRawBufferPointer(rebasing: bytes[entry.fileRange])))
        precondition(tensor.data.count == entry.info.byteCount)
        _ = try? tensor.floats()
    }
    for (k, v) in header.metadata { sum &+= UInt8(truncatingIfNeeded: k.utf8.count &+ v.utf8.count) }
    blackHole(sum)
    return 0
}

@inline(never) func blackHole<T>(_ x: T) { withExtendedLifetime(x) {} }
