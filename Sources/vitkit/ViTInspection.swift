import VitKit

/// The text layer view printed by `inspect`.
struct ViTInspection {
    let checkpoint: ViTCheckpoint
    let graph: GraphSummary

    init(_ checkpoint: ViTCheckpoint) {
        self.checkpoint = checkpoint
        graph = GraphSummary(config: checkpoint.config)
    }

    var architecture: String { checkpoint.config.huggingFaceArchitecture }

    var text: String {
        let c = checkpoint.config
        var lines = [
            "scheme: \(checkpoint.scheme.id.rawValue)\(checkpoint.scannedDepth.map { " (big_vision scanned: \($0) blocks stacked)" } ?? "")   config: \(checkpoint.configOrigin)",
            "ViT: hidden \(c.hiddenSize), layers \(c.numHiddenLayers), heads \(c.numAttentionHeads)\(c.headsAssumed ? " (assumed: head dim 64)" : ""), mlp \(c.intermediateSize), image \(c.imageSize), patch \(c.patchSize), \(c.hiddenAct.rawValue), eps \(c.layerNormEps)",
            "head: " + [c.hasPooler ? "pooler" : nil, c.hasClassifier ? "classifier (\(c.numLabels) labels)" : nil].compactMap { $0 }.joined(separator: " + ").ifEmpty("none")
                + (c.classifierInput == .clsAndPatchMean ? " on cls + mean patch token" : "")
                + (c.distillationHead ? ", distillation classifier (logits: mean of both)" : ""),
            "tokens: \(c.tokenDescription)" + (c.classPosition ? "" : " (no class position: timm no_embed_class)")
                + (c.maskToken ? ", mask token (pre-training only)" : ""),
            "blocks: \(c.blockDescription)   family: \(c.huggingFaceArchitecture), interpolation \(c.positionInterpolation.rawValue)",
        ]
        let rows = graph.parts.map { part in
            [part.name, Self.shapeSummary(part.parameters.map(\.shape)), SummaryTable.grouped(part.count)]
        }
        lines += TextTable.render(header: ["graph part", "shapes", "parameters"], rows: rows, rightAligned: [2])
        lines.append("graph total: \(SummaryTable.grouped(graph.total)) parameters")
        let report = checkpoint.report
        let clean = report.missing.isEmpty && report.mismatched.isEmpty && report.unused.isEmpty
        lines.append(clean ? "mapping: all \(report.mapped.count) stored tensors mapped, nothing missing" : "mapping problems:")
        // A crafted file can leave a million tensors unused: append their lines one at a time.
        var text = lines.map { Terminal.escape($0) }.joined(separator: "\n")
        report.forEachProblemLine { text += "\n  " + Terminal.escape($0) }
        return text
    }
}

extension ViTInspection {
    /// Distinct shapes in first-seen order with their multiplicity: `4x[48, 48] 6x[48] [96, 48]`.
    static func shapeSummary(_ shapes: [[Int]]) -> String {
        var order: [String] = []
        var counts: [String: Int] = [:]
        for s in shapes.map(Shape.describe) {
            if counts[s] == nil { order.append(s) }
            counts[s, default: 0] += 1
        }
        return order.map { counts[$0]! > 1 ? "\(counts[$0]!)x\($0)" : $0 }.joined(separator: " ")
    }
}

extension String {
    func ifEmpty(_ other: String) -> String { isEmpty ? other : self }
}
