/// Everything that can go wrong reading an image or a preprocessor configuration.
///
/// Each case names the file (or `<memory>` for in-memory data); `description` is one
/// sentence suitable for stderr.
public enum ImageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or read, or an output file could not be written.
    case io(file: String, reason: String)
    /// The bytes are neither PNG nor JPEG; `detected` names another format when recognised.
    case notAnImage(file: String, detected: String?)
    /// The data ends before the image does.
    case truncated(file: String, format: String)
    /// The decoder rejected the data; `reason` is its message.
    case malformed(file: String, format: String, reason: String)
    /// The header declares a zero width or height.
    case emptyImage(file: String, width: Int, height: Int)
    /// The header declares more pixels than vitkit decodes (checked before allocating).
    case tooLarge(file: String, width: Int, height: Int, limit: String)
    /// A valid image that vitkit cannot decode (for example a 12-bit JPEG).
    case unsupported(file: String, reason: String)
    /// A preprocessor config asks for something this preprocessor cannot do; `file` names
    /// where the config came from (a `preprocessor_config.json`, a native file's metadata, an
    /// expectations file) when known.
    case invalidConfig(file: String?, reason: String)

    /// One sentence naming the file, for stderr.
    public var description: String {
        switch self {
        case .io(let f, let r): "\(f): \(r)"
        case .notAnImage(let f, let d):
            d.map { "\(f): \($0) images are not supported (only PNG and JPEG)" } ?? "\(f): not a PNG or JPEG image"
        case .truncated(let f, let fmt): "\(f): \(fmt) data is truncated"
        case .malformed(let f, let fmt, let r): "\(f): invalid \(fmt) data: \(r)"
        case .emptyImage(let f, let w, let h): "\(f): image has no pixels (\(w)x\(h))"
        case .tooLarge(let f, let w, let h, let limit):
            "\(f): image is \(w)x\(h) pixels, more than the limit of \(limit)"
        case .unsupported(let f, let r): "\(f): \(r)"
        case .invalidConfig(let f, let r): f.map { "\($0): invalid preprocessor config: \(r)" } ?? "invalid preprocessor config: \(r)"
        }
    }
}
