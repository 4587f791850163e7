import Tensors

// libFuzzer entry point: bytes -> JSON.parse; a parsed value is written back as compact and
// pretty text, re-parsed, and must compare equal (round trip).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    guard let value = try? JSON.parse(bytes) else { return 0 }
    let text = value.compactText
    guard let again = try? JSON.parse(text) else { preconditionFailure("compactText of a parsed value does not parse: \(text)") }
    precondition(again == value, "round trip changed the value: \(text)")
    precondition((try? JSON.parse(value.prettyText)) == value, "pretty round trip changed the value: \(text)")
    _ = value.intValue
    _ = value.doubleValue
    return 0
}
