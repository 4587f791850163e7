import Tensors
import SafeTensors
import NumPy

/// A checkpoint opened from a path: a single file in any supported container, or a
/// Hugging Face-style directory (weights + `config.json` + `preprocessor_config.json`).
///
/// Opening lists tensors and validates the container without reading tensor data. A
/// checkpoint is an immutable value: read tensors through `source`, from any thread.
public struct Checkpoint: Sendable {
    /// The path as given by the caller.
    public let path: String
    /// The weights file read: `path` itself, or the file chosen in the directory `path`.
    public let weightsPath: String
    /// Other readable weights files in the directory `path` that were not read (empty when
    /// `path` is a file). Choose one with `Options.format` or by opening its path.
    public let otherWeights: [String]
    /// The container holding the tensors.
    public let source: any TensorSource
    /// `config.json` beside the weights (or given explicitly), when present.
    public let config: JSON?
    /// The file `config` was read from, nil when there is no config.
    public let configPath: String?
    /// `preprocessor_config.json` beside the weights, when present.
    public let preprocessorConfig: JSON?

    /// Options that change how files are read.
    public struct Options: Sendable {
        /// Read NumPy `<V2` arrays as bfloat16 (numpy has no name for bfloat16).
        public var bf16FromV2: Bool
        /// A `config.json` to use instead of the one beside the weights.
        public var configPath: String?
        /// The most bytes a compressed (npz) tensor may inflate to.
        public var maxInflatedBytes: Int
        /// Read this format: in a directory, the weights file of that format; a file must be one.
        public var format: ContainerFormat?

        /// Options with the defaults: no bf16 from `<V2`, the config beside the weights,
        /// any format, `NPZFile.defaultMaxInflatedBytes` (16 GiB).
        public init(bf16FromV2: Bool = false, configPath: String? = nil, format: ContainerFormat? = nil,
                    maxInflatedBytes: Int = NPZFile.defaultMaxInflatedBytes) {
            self.bf16FromV2 = bf16FromV2
            self.configPath = configPath
            self.format = format
            self.maxInflatedBytes = maxInflatedBytes
        }
    }

    /// A checkpoint over a source that is already open (e.g. an in-memory `TensorSource` of
    /// your own), with configs already parsed; nothing is read or validated.
    ///
    /// `weightsPath` defaults to `path`.
    public init(path: String, source: any TensorSource, config: JSON?, configPath: String?, preprocessorConfig: JSON?,
                weightsPath: String? = nil, otherWeights: [String] = []) {
        self.path = path
        self.weightsPath = weightsPath ?? path
        self.otherWeights = otherWeights
        self.source = source
        self.config = config
        self.configPath = configPath
        self.preprocessorConfig = preprocessorConfig
    }

    /// Opens `path`.
    ///
    /// - A directory is searched for, in order: `model.safetensors.index.json`,
    ///   `model.safetensors`, `tf_model.h5.index.json`, `tf_model.h5`, `model.weights.h5`
    ///   (a keras-hub preset; with its `task.weights.h5` when present), then a single
    ///   `.safetensors`, `.npz`, `.npy`, `.h5` file (only files of `options.format` when set).
    ///   `weightsPath` says which was read, `otherWeights` what else was there.
    /// - A file is recognised by its magic bytes, not its extension. PyTorch pickles
    ///   (`.bin`, `.pt`, ...) are refused: loading one can run code.
    /// - `config.json` (or `options.configPath`) and `preprocessor_config.json` beside the
    ///   weights are read when present; each must hold a JSON object.
    ///
    /// - Throws: `CheckpointError` naming the path when nothing loadable is found, the
    ///   container is invalid or not of `options.format`; `.unsupported` for a pickle;
    ///   `.malformed` naming a config file that is not a JSON object.
    public static func open(_ path: String, options: Options = Options()) throws(CheckpointError) -> Checkpoint {
        guard FileSystem.exists(path) else { throw .io(file: path, reason: "no such file or directory") }
        var weightsPath = path, otherWeights: [String] = []
        if FileSystem.isDirectory(path) {
            let choice = try WeightsChoice.pick(inDirectory: path, format: options.format)
            (weightsPath, otherWeights) = (choice.chosen, choice.others)
        } else if let format = options.format {
            let found = ContainerFormat(try ContainerDetection.kind(of: path))
            guard found == format else {
                throw .malformed(file: path, reason: "holds \(found?.rawValue ?? "no recognised checkpoint"), not the \(format.rawValue) asked for")
            }
        }
        let dir = FileSystem.isDirectory(path) ? path : FileSystem.directoryName(of: path)
        let source: any TensorSource
        // A keras-hub task preset: the backbone's weights and the task's, read together.
        let taskWeights = FileSystem.join(dir, KerasPreset.taskWeights)
        if FileSystem.isDirectory(path), weightsPath == FileSystem.join(dir, KerasPreset.modelWeights), otherWeights.contains(taskWeights) {
            source = try KerasPreset(modelPath: weightsPath, taskPath: taskWeights)
            otherWeights.removeAll { $0 == taskWeights }
        } else {
            source = try ContainerDetection.open(weightsPath, options: options)
        }

        var configPath = options.configPath
        if configPath == nil {
            let candidate = FileSystem.join(dir, "config.json")
            if FileSystem.exists(candidate) { configPath = candidate }
        }
        let config = try configPath.map { (p) throws(CheckpointError) in try readJSON(p) }
        let preprocessorPath = FileSystem.join(dir, "preprocessor_config.json")
        let preprocessor = FileSystem.exists(preprocessorPath) ? try readJSON(preprocessorPath) : nil
        return Checkpoint(path: path, source: source, config: config, configPath: configPath, preprocessorConfig: preprocessor,
                          weightsPath: weightsPath, otherWeights: otherWeights)
    }

    /// Reads a config file, which must hold one JSON object.
    static func readJSON(_ path: String) throws(CheckpointError) -> JSON {
        let bytes = try FileSystem.readFile(path, limit: 16 << 20)
        let json: JSON
        do { json = try JSON.parse(bytes) } catch {
            throw .malformed(file: path, reason: "not valid JSON: \(error.description)")
        }
        guard json.objectValue != nil else {
            let text = json.compactText
            throw .malformed(file: path, reason: "expected a JSON object, found \(text.count > 40 ? text.prefix(40) + "..." : text)")
        }
        return json
    }
}
