import Checkpoints
import Drawing
import Tensors

extension HistogramChart {
    /// Histograms of the tensors of `checkpoint` named `pattern` exactly, or else matching
    /// it (a glob with `*` and `?`, or a part of the name), in the file's order. Each tensor
    /// is read twice in pieces (statistics, then the bins over its range): bounded memory.
    ///
    /// - Throws: `PlotError.noTensorMatches`, `.tooManyCharts` before reading any values;
    ///   `CheckpointError` from reading them.
    public init(_ checkpoint: Checkpoint, tensors pattern: String, bins: Int = 64,
                fontPath: String = PNGFile.defaultFontPath) throws {
        let all = checkpoint.source.tensors
        let exact = all.filter { $0.name == pattern }
        let matched = exact.isEmpty ? all.filter { NamePattern(pattern).matches($0.name) } : exact
        guard !matched.isEmpty else { throw PlotError.noTensorMatches(pattern: pattern, file: checkpoint.path) }
        guard matched.count <= Self.maxPanels else { throw PlotError.tooManyCharts(count: matched.count, limit: Self.maxPanels) }
        var panels: [Panel] = []
        for info in matched {
            let tensor = try checkpoint.source.tensor(named: info.name)
            let statistics = try TensorStatistics(tensor)
            panels.append(Panel(name: info.name, statistics: statistics,
                                histogram: try TensorHistogram(tensor, bins: bins, statistics: statistics)))
            tensor.data.releaseResidentPages()
        }
        self.init(panels: panels, fontPath: fontPath)
    }
}
