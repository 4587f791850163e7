import Tensors

extension Checkpoint {
    /// Every file reading this checkpoint touches: the path as given, each weights file
    /// (all shards and indexes), `config.json` and `preprocessor_config.json`. Writers
    /// refuse these as destinations (`OutputGuard`).
    public var inputFiles: [String] {
        [path] + source.files + [configPath, preprocessorConfigPath].compactMap { $0 }
    }

    /// The `preprocessor_config.json` that `preprocessorConfig` was read from, nil when there is none.
    public var preprocessorConfigPath: String? {
        guard preprocessorConfig != nil else { return nil }
        let dir = FileSystem.isDirectory(path) ? path : FileSystem.directoryName(of: path)
        return FileSystem.join(dir, "preprocessor_config.json")
    }
}
