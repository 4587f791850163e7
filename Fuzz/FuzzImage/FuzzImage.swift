import Preprocessing

// libFuzzer entry point: bytes -> ImageDecoder.decode(bytes:) (PNG or JPEG through libpng /
// libjpeg-turbo); a decoded image must hold exactly width * height * 3 bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImage(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    guard let image = try? ImageDecoder.decode(bytes: bytes, name: "<fuzz>") else { return 0 }
    precondition(image.width > 0 && image.height > 0 && image.pixels.count == image.width * image.height * 3)
    precondition(image.width * image.height <= ImageDecoder.maxPixels)
    return 0
}
