import ViTModel
import Preprocessing
import Checkpoints
import Tensors

extension ViTPipeline {
    /// Where `savePixels` puts each image's tensor: `directory/<image file name>.npy`.
    ///
    /// - Throws: `ViTError.input` when two images share a file name (one would overwrite
    ///   the other); `CheckpointError.io` from `OutputGuard` for a destination that is an
    ///   input, a device or FIFO, or exists without `replace`.
    public static func pixelPaths(images: [String], directory: String, inputs: [String], replace: Bool) throws -> [String] {
        var seen: [String: String] = [:]
        var paths: [String] = []
        for image in images {
            let path = FileSystem.join(directory, FileSystem.baseName(of: image) + ".npy")
            if let other = seen[path] {
                throw ViTError.input("\(other) and \(image) would both be saved as \(path): give images distinct file names")
            }
            seen[path] = image
            try OutputGuard.check(path, inputs: inputs, replace: replace, output: .file)
            paths.append(path)
        }
        return paths
    }

    /// Writes each image's pixel tensor `[3, S, S]` as a float32 `.npy` laid out as
    /// `np.save` does (see `pixelPaths`).
    ///
    /// `directory` is created when missing; if the call then fails, the directory and the
    /// files written into it are removed (in a directory that existed, files written before
    /// the failure stay: each replaced its predecessor atomically).
    ///
    /// - Returns: the files written, in image order.
    ///
    /// - Throws: as `pixelPaths`; `ImageError` for an image that cannot be read;
    ///   `CheckpointError.io` when a file cannot be written.
    public func savePixels(images: [String], directory: String, inputs: [String], replace: Bool) throws -> [String] {
        let created = !FileSystem.exists(directory)
        try FileSystem.makeDirectory(directory)
        var written: [String] = []
        do {
            let paths = try Self.pixelPaths(images: images, directory: directory, inputs: inputs, replace: replace)
            for (image, path) in zip(images, paths) {
                let tensor = try pixels(path: image)
                try CheckpointWriter.write(to: path, format: .npy, entries: [TensorInfo(name: "pixel_values", dtype: tensor.dtype, shape: tensor.shape)]) { _ in tensor }
                written.append(path)
            }
            return paths
        } catch {
            if created {
                for path in written { FileSystem.removeTree(path) }
                FileSystem.removeEmptyDirectory(directory)
            }
            throw error
        }
    }
}
