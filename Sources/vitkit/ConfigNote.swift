import VisionTransformer

/// The stderr note naming the config values vitkit had to take from somewhere other than a
/// config file: a `config.json` lacking keys the graph needs, or no config where that shows
/// in the results (placeholder labels, an assumed head count).
enum ConfigNote {
    static func text(_ checkpoint: ViTCheckpoint) -> String? {
        let keys = checkpoint.inferredConfigKeys
        let c = checkpoint.config
        let placeholderLabels = keys.contains("id2label") && c.hasClassifier
        var parts: [String] = []
        if let path = checkpoint.checkpoint.configPath, path == checkpoint.configOrigin {
            guard !keys.isEmpty else { return nil }
            let defaulted = keys.filter { $0 == "layer_norm_eps" || $0 == "hidden_act" }
            let defaults = defaulted.isEmpty ? "" : " (\(defaulted.joined(separator: ", ")): the \(checkpoint.scheme.id.rawValue) defaults \(c.layerNormEps), \(c.hiddenAct.rawValue))"
            parts.append("\(path) does not give \(keys.joined(separator: ", ")); used the tensor shapes instead\(defaults)")
        } else {
            guard placeholderLabels || c.headsAssumed else { return nil }
            parts.append("\(checkpoint.checkpoint.path) has no config.json; the config is inferred from the tensor shapes")
        }
        if placeholderLabels { parts.append("labels are placeholders LABEL_0..LABEL_\(c.numLabels - 1) (give a config with id2label)") }
        if c.headsAssumed { parts.append("head count assumed hidden_size/64 = \(c.numAttentionHeads) (pass --heads or --config)") }
        return "note: " + parts.joined(separator: "; ")
    }

    /// Prints the note for `checkpoint` on stderr, if there is one.
    static func print(_ checkpoint: ViTCheckpoint) {
        if let note = text(checkpoint) { printError(note) }
    }
}
