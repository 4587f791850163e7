import Tensors
import SafeTensors
import HDF5

/// Recognises containers by magic bytes (a directory's weights file: `WeightsChoice`).
enum ContainerDetection {
    enum Kind { case safetensors, safetensorsIndex, npy, npz, hdf5, unknown }

    static let directoryCandidates = [
        "model.safetensors.index.json", "model.safetensors", "tf_model.h5.index.json", "tf_model.h5",
        KerasPreset.modelWeights,
    ]

    /// PyTorch's own checkpoint files are pickles: loading one can run arbitrary code.
    static let pickleSuffixes = [".bin", ".pt", ".pth", ".ckpt", ".pkl"]

    static func refusePickle(_ path: String) -> CheckpointError {
        .unsupported(file: path, reason: "PyTorch pickle checkpoints can run code when loaded and are refused; save the model as safetensors (transformers: save_pretrained(dir, safe_serialization=True); timm/torch: safetensors.torch.save_file(model.state_dict(), path))")
    }

    static func kind(of path: String) throws(CheckpointError) -> Kind {
        if pickleSuffixes.contains(where: path.hasSuffix) { throw refusePickle(path) }
        if path.hasSuffix(".index.json") {
            return path.hasSuffix(".h5.index.json") ? .hdf5 : .safetensorsIndex
        }
        let file = try MappedFile(path: path)
        let b = file.bytes
        func starts(_ magic: [UInt8]) -> Bool { b.count >= magic.count && zip(b, magic).allSatisfy { $0 == $1 } }
        if starts([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) { return .npy }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return .npz }
        if HDF5Superblock.hasSignature(b) { return .hdf5 }  // at 0, 512, 1024, ... (a user block may precede it)
        if SafeTensorsFile.looksLikeSafeTensors(b) || path.hasSuffix(".safetensors") { return .safetensors }
        return .unknown
    }

    static func open(_ path: String, options: Checkpoint.Options) throws(CheckpointError) -> any TensorSource {
        switch try kind(of: path) {
        case .safetensors: return try SafeTensorsFile(path: path)
        case .safetensorsIndex: return try ShardedSafeTensors(indexPath: path)
        case .npy, .npz, .hdf5: return try openOther(path, options: options)
        case .unknown:
            throw .malformed(file: path, reason: "not a recognised checkpoint (expected safetensors, .npy, .npz or HDF5 magic bytes)")
        }
    }
}
