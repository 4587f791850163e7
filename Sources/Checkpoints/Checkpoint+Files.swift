import Tensors

extension Checkpoint {
    /// Every file reading this checkpoint touches: the path as given, each weights file
    /// (all shards and indexes), `config.json` and `preprocessor_config.json`. Writers
    /// refuse these as destinations (`OutputGuard`).
    public var inputFiles: [String] {
        let dir = FileSystem.isDirectory(path) ? path : FileSystem.directoryName(of: path)
        let preprocessor = preprocessorConfig == nil ? nil : FileSystem.join(dir, "preprocessor_config.json")
        return [path] + source.files + [configPath, preprocessor].compactMap { $0 }
    }
}
