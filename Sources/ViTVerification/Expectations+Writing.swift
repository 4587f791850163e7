import ViTInference
import ViTModel
import Tensors

extension Expectations {
    /// Writes the expectations file atomically, after `OutputGuard` has checked `path`:
    /// never one of `inputs` (the checkpoint's files, the images), never a device or FIFO,
    /// an existing file only when `replace`.
    ///
    /// - Throws: `CheckpointError.io` naming `path`.
    public func write(to path: String, inputs: [String], replace: Bool) throws(CheckpointError) {
        try OutputGuard.check(path, inputs: inputs, replace: replace, output: .file)
        let w = try AtomicFileWriter(destination: path)
        try w.write(Array((json.prettyText + "\n").utf8))
        try w.commit()
    }
}
