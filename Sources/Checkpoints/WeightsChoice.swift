import Tensors

/// A container family a caller can ask for (`--format`): which file of a directory to read,
/// or what a given file must be.
public enum ContainerFormat: String, Sendable, CaseIterable {
    /// `model.safetensors.index.json`, `model.safetensors`, or any `.safetensors` file.
    case safetensors
    /// `tf_model.h5.index.json`, `tf_model.h5`, or any `.h5` file.
    case h5
    /// Any `.npz` file.
    case npz
    /// Any `.npy` file.
    case npy

    /// Whether a file named `name` holds this format, going by its name.
    public func matches(fileName name: String) -> Bool {
        switch self {
        case .safetensors: name.hasSuffix(".safetensors") || name == "model.safetensors.index.json"
        case .h5: name.hasSuffix(".h5") || name == "tf_model.h5.index.json"
        case .npz: name.hasSuffix(".npz")
        case .npy: name.hasSuffix(".npy")
        }
    }

    /// The format of a container kind recognised by its bytes.
    init?(_ kind: ContainerDetection.Kind) {
        switch kind {
        case .safetensors, .safetensorsIndex: self = .safetensors
        case .hdf5: self = .h5
        case .npz: self = .npz
        case .npy: self = .npy
        case .unknown: return nil
        }
    }
}

/// The weights file read from a directory, and the other readable ones it holds.
struct WeightsChoice {
    var chosen: String
    var others: [String]

    /// Picks the weights file of `dir`: the first present of `model.safetensors.index.json`,
    /// `model.safetensors`, `tf_model.h5.index.json`, `tf_model.h5`, else the only other
    /// `.safetensors`, `.npz`, `.npy` or `.h5` file (shards of an index are not candidates).
    /// With `format`, only files of that format are candidates.
    ///
    /// - Throws: `CheckpointError` naming `dir` when no candidate or several equal ones remain,
    ///   or when it holds only a PyTorch pickle.
    static func pick(inDirectory dir: String, format: ContainerFormat?) throws(CheckpointError) -> WeightsChoice {
        let names = try FileSystem.listDirectory(dir)
        let standard = ContainerDetection.directoryCandidates.filter(names.contains)
        let others = names.filter { n in
            !standard.contains(n) && [".safetensors", ".npz", ".npy", ".h5"].contains(where: n.hasSuffix) && !isShard(n)
        }
        let readable = standard + others
        let candidates = format.map { f in readable.filter(f.matches) } ?? readable
        let chosen: String
        if let first = candidates.first(where: standard.contains) {
            chosen = first
        } else if candidates.count == 1 {
            chosen = candidates[0]
        } else if candidates.isEmpty {
            if let format, !readable.isEmpty {
                throw .io(file: dir, reason: "directory holds no \(format.rawValue) weights (it holds \(readable.joined(separator: ", ")))")
            }
            if names.contains("pytorch_model.bin") { throw ContainerDetection.refusePickle(FileSystem.join(dir, "pytorch_model.bin")) }
            throw .io(file: dir, reason: "directory holds no checkpoint (looked for model.safetensors, tf_model.h5, *.safetensors, *.npz, *.h5)")
        } else {
            throw .io(file: dir, reason: "directory holds several weight files (\(candidates.joined(separator: ", "))); give the file's path")
        }
        return WeightsChoice(chosen: FileSystem.join(dir, chosen),
                             others: readable.filter { $0 != chosen }.map { FileSystem.join(dir, $0) })
    }

    /// `NAME-00001-of-00003.safetensors` / `.h5`: one shard of an index, never read alone.
    static func isShard(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: "."), [".safetensors", ".h5"].contains(String(name[dot...])) else { return false }
        let parts = name[..<dot].split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4 else { return false }
        let (index, of, total) = (parts[parts.count - 3], parts[parts.count - 2], parts[parts.count - 1])
        return of == "of" && !index.isEmpty && !total.isEmpty && (index + total).allSatisfy { $0.isASCII && $0.isNumber }
    }
}
