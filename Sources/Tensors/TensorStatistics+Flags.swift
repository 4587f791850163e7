extension TensorStatistics {
    /// What looks wrong in a tensor, judged from its statistics and those of the other
    /// tensors of the same checkpoint (`inspect --stats`).
    public enum Flag: String, Sendable, CaseIterable {
        /// Holds NaN or infinite values.
        case nonFinite = "nan_or_inf"
        /// Every value is exactly zero.
        case allZeros = "all_zeros"
        /// A normalization gain (`…norm….weight`, `scale`, `gamma`) that is exactly all ones
        /// while other tensors vary: left at its initial value.
        case normGainAllOnes = "norm_gain_all_ones"
        /// Its std is over 10x (or under a tenth of) the median std of the same tensor in the
        /// other blocks (names equal up to their numbers; at least 3 of them).
        case stdOutlier = "std_far_from_other_blocks"
    }

    /// The flags of each tensor of `tensors` (same order).
    public static func flags(_ tensors: [(name: String, stats: TensorStatistics)]) -> [[Flag]] {
        let trained = tensors.contains { $0.stats.std > 0 }
        var groups: [String: [Double]] = [:]
        for t in tensors where t.stats.std.isFinite { groups[blockPattern(t.name), default: []].append(t.stats.std) }
        let medians = groups.filter { $0.value.count >= 3 }.mapValues { $0.sorted()[$0.count / 2] }
        return tensors.map { t in
            let s = t.stats
            var flags: [Flag] = []
            if s.nan + s.inf > 0 { flags.append(.nonFinite) }
            if s.count > 0, s.zeros == s.count { flags.append(.allZeros) }
            if trained, isNormGain(t.name), s.count > 0, s.min == 1, s.max == 1, s.nan + s.inf == 0 { flags.append(.normGainAllOnes) }
            if let median = medians[blockPattern(t.name)], median > 0, s.std.isFinite, s.std > 10 * median || s.std < median / 10 {
                flags.append(.stdOutlier)
            }
            return flags
        }
    }

    /// `name` with each run of digits replaced by `#` (`layer.3.attn` and `layer.11.attn` match).
    static func blockPattern(_ name: String) -> String {
        var out = "", inDigits = false
        for c in name {
            if c.isASCII, c.isNumber {
                if !inDigits { out.append("#") }
                inDigits = true
            } else {
                out.append(c)
                inDigits = false
            }
        }
        return out
    }

    /// Whether `name` names a LayerNorm (or other norm) gain.
    static func isNormGain(_ name: String) -> Bool {
        let lower = name.lowercased()
        let last = lower.split(whereSeparator: { $0 == "." || $0 == "/" }).last.map(String.init) ?? lower
        let isGain = ["weight", "scale", "gamma", "weight:0", "gamma:0", "scale:0"].contains(last)
        return isGain && (lower.contains("norm") || lower.contains("ln_") || lower.contains("/ln") || lower.contains(".ln"))
    }
}
