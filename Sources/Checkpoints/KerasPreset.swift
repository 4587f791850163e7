import HDF5
import Tensors

/// A keras-hub preset directory's weights as one source: `model.weights.h5` (the backbone)
/// and, for a task preset, `task.weights.h5` (the task's own layers, e.g. the classifier's
/// `layers/dense/vars/*`). Both are Keras 3 weight files read as plain HDF5 (dataset paths
/// are the names). The task file's optimizer variables (`optimizer/vars/*`, saved by
/// `save_task_weights`) are listed in `skipped`, not as tensors.
public struct KerasPreset: TensorSource {
    /// The backbone file.
    public let path: String
    /// `hdf5`.
    public var format: String { "hdf5" }
    /// Both files' weights, named by their dataset paths (`layers/<layer>/vars/<i>`).
    public let tensors: [TensorInfo]
    /// None: keras-hub keeps its metadata in `config.json`/`metadata.json`, read as the config.
    public var metadata: [(key: String, value: String)] { [] }
    /// Datasets not read as tensors (the task file's optimizer variables), with why.
    public let skipped: [(name: String, reason: String)]
    /// The weight files read: `model.weights.h5`, then `task.weights.h5` when present.
    public let files: [String]
    /// `task.json` beside `task.weights.h5` (the serialized task: pooling, activation...), when present.
    public let taskConfig: JSON?
    private let model: HDF5File
    private let task: HDF5File?
    private let inTask: Set<String>

    /// The weights file names of a preset.
    public static let modelWeights = "model.weights.h5", taskWeights = "task.weights.h5"

    /// Opens `modelPath` and, when given, `taskPath` (and the `task.json` beside it).
    ///
    /// - Throws: `CheckpointError` as `HDF5File` for either file; `.malformed` when both
    ///   hold a dataset of the same name, or `task.json` is not a JSON object.
    public init(modelPath: String, taskPath: String?) throws(CheckpointError) {
        model = try HDF5File(path: modelPath)
        task = try taskPath.map { (p) throws(CheckpointError) in try HDF5File(path: p) }
        path = modelPath
        files = [modelPath] + (taskPath.map { [$0] } ?? [])
        var tensors = model.tensors
        var skipped = model.skipped
        var inTask = Set<String>()
        let names = Set(model.tensors.map(\.name))
        for info in task?.tensors ?? [] {
            if info.name.hasPrefix("optimizer/") {
                skipped.append((info.name, "optimizer state in \(taskPath ?? "")"))
                continue
            }
            guard !names.contains(info.name) else {
                throw .malformed(file: taskPath ?? modelPath, reason: "'\(info.name)' is stored in both \(Self.modelWeights) and \(Self.taskWeights)")
            }
            tensors.append(info)
            inTask.insert(info.name)
        }
        self.tensors = tensors
        self.skipped = skipped + (task?.skipped ?? [])
        self.inTask = inTask
        let taskJSON = taskPath.map { FileSystem.join(FileSystem.directoryName(of: $0), "task.json") }
        taskConfig = try taskJSON.flatMap { (p) throws(CheckpointError) in FileSystem.exists(p) ? try Checkpoint.readJSON(p) : nil }
    }

    public func tensor(named name: String) throws(CheckpointError) -> Tensor {
        if inTask.contains(name), let task { return try task.tensor(named: name) }
        return try model.tensor(named: name)
    }
}
