import Preprocessing
import Tensors

/// Writing a picture the way every vitkit writer writes: checked, atomic.
public enum PNGFile {
    /// The font plots use unless told otherwise (Debian's `fonts-dejavu-core`).
    public static let defaultFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

    /// Encodes `image` (libpng) and writes it atomically at `path` (temporary file, fsync,
    /// rename) after `OutputGuard` has checked it: never one of `inputs` (checkpoint files,
    /// data, images), never a device or FIFO, an existing file only when `replace`.
    ///
    /// - Throws: `ImageError.io` (encoding) or `CheckpointError.io` naming `path`.
    package static func write(_ image: RGBImage, to path: String, inputs: [String], replace: Bool) throws {
        let bytes = try PNGEncoder.encode(image, name: path)
        try OutputGuard.check(path, inputs: inputs, replace: replace, output: .file)
        let w = try AtomicFileWriter(destination: path)
        try w.write(bytes)
        try w.commit()
    }
}
