import Tensors

/// Reading a mapped checkpoint: its graph parameters (in canonical layout), whether it is
/// complete, and its preprocessor config.
extension ViTCheckpoint {
    /// `preprocessor_config.json` beside the weights, or the copy a native file carries.
    public var preprocessorConfig: JSON? { nativePreprocessorConfig ?? checkpoint.preprocessorConfig }

    /// Where `preprocessorConfig` came from, for messages: the file's path, or the native
    /// file's path and metadata key; nil when there is none.
    public var preprocessorConfigOrigin: String? {
        if let path = checkpoint.preprocessorConfigPath { return path }
        return nativePreprocessorConfig == nil ? nil : "\(checkpoint.path) (metadata '\(NativeFormat.preprocessorKey)')"
    }

    /// Throws unless every graph parameter was found with the right shape, and (unless
    /// `allowUnused`) every stored tensor was used.
    public func requireComplete(allowUnused: Bool = false) throws(ViTError) {
        var problems = report.missing.isEmpty && report.mismatched.isEmpty ? [] : report.problems.filter {
            if case .unused = $0 { false } else { true }
        }
        if !allowUnused { problems += report.unused.map { .unused(stored: $0) } }
        guard problems.isEmpty else { throw .mapping(file: checkpoint.path, scheme: scheme.id, problems: problems) }
    }

    /// The graph parameter `name` in canonical layout, in the stored dtype.
    ///
    /// - Throws: `ViTError.mapping` when no stored tensor provides `name` or its shape is wrong;
    ///   `CheckpointError` when the stored tensor cannot be read.
    public func parameter(_ name: String) throws -> Tensor {
        try parameter(name, from: [:])
    }

    /// The graph parameter `name`, taking its stored tensor from `preloaded` when present.
    package func parameter(_ name: String, from preloaded: [String: Tensor]) throws -> Tensor {
        guard let s = sources[name] else {
            throw ViTError.mapping(file: checkpoint.path, scheme: scheme.id, problems: [.missing(parameter: name, expectedName: name)])
        }
        if let m = report.mismatched.first(where: { $0.stored == s.stored }) {
            throw ViTError.mapping(file: checkpoint.path, scheme: scheme.id, problems: [.mismatched(stored: m.stored, expected: m.expected, found: m.found, graph: m.canonical)])
        }
        var stored = try preloaded[s.stored] ?? tensors.tensor(named: s.stored)
        // Elements packed several to a byte (F4) are decoded before layouts move them.
        if stored.dtype.isPacked { stored = try stored.converted(to: .f32) }
        let canonical = s.layout.toCanonical(stored, parts: s.parts)[s.part]
        // The stored bytes were copied: their mapped pages need not stay resident.
        if s.layout.copiesElements { stored.data.releaseResidentPages() }
        return canonical
    }

    /// The stored tensor a graph parameter comes from.
    ///
    /// - Throws: `ViTError.mapping` when no stored tensor provides `name`.
    public func storedName(of name: String) throws -> String {
        guard let s = sources[name] else {
            throw ViTError.mapping(file: checkpoint.path, scheme: scheme.id, problems: [.missing(parameter: name, expectedName: name)])
        }
        return s.stored
    }

    /// The stored name of the first graph parameter (in forward order) holding NaN or
    /// infinity, or nil when every one is finite or cannot be read.
    public func firstNonFiniteParameter() -> String? {
        for p in config.graphParameters {
            guard let values = try? floats(p.name), !values.allSatisfy(\.isFinite) else { continue }
            return (try? storedName(of: p.name)) ?? p.name
        }
        return nil
    }

    /// The graph parameter `name` as float32 values.
    ///
    /// - Throws: as `parameter(_:)`; `CheckpointError.unsupportedDType` for a non-float tensor.
    public func floats(_ name: String) throws -> [Float] {
        try parameter(name).floats()
    }
}
