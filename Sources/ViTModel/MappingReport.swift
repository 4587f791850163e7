import Tensors

/// The result of mapping a checkpoint onto the graph: every stored tensor is mapped or
/// unused; every graph parameter is found, missing, or found with the wrong shape.
public struct MappingReport: Sendable {
    /// A stored tensor that provides graph parameters.
    public struct Mapped: Sendable {
        /// The stored tensor's name.
        public var stored: String
        /// The graph parameters it provides (several for a fused qkv).
        public var canonical: [String]
        /// How its elements are laid out relative to the canonical parameters.
        public var layout: Layout
    }

    /// A graph parameter no stored tensor provides.
    public struct Missing: Sendable {
        /// The graph parameter.
        public var canonical: String
        /// The stored name the scheme expects.
        public var expectedName: String
    }

    /// A stored tensor with the right name and the wrong shape.
    public struct Mismatch: Sendable {
        /// The stored tensor's name.
        public var stored: String
        /// The graph parameters it provides (several for a fused qkv).
        public var canonical: [String]
        /// The shape the graph needs.
        public var expected: [Int]
        /// The stored shape.
        public var found: [Int]
    }

    /// The naming scheme the names were read in.
    public var scheme: NamingScheme.ID
    /// Stored tensors that map onto the graph.
    public var mapped: [Mapped] = []
    /// Stored tensors that are not part of the graph (optimizer state, extra heads...).
    public var unused: [String] = []
    /// Graph parameters with no stored tensor.
    public var missing: [Missing] = []
    /// Stored tensors whose shape does not fit the graph.
    public var mismatched: [Mismatch] = []

    /// No missing or mismatched tensor.
    public var isComplete: Bool { missing.isEmpty && mismatched.isEmpty }

    /// Human-readable lines naming every problem (empty when there is none).
    public var problemLines: [String] {
        var lines: [String] = []
        forEachProblemLine { lines.append($0) }
        return lines
    }

    /// Every problem, in report order: missing, mismatched, unused.
    public var problems: [MappingProblem] {
        missing.map { .missing(parameter: $0.canonical, expectedName: $0.expectedName) }
            + mismatched.map { .mismatched(stored: $0.stored, expected: $0.expected, found: $0.found, graph: $0.canonical) }
            + unused.map { .unused(stored: $0) }
    }

    /// Hands the lines of `problemLines` to `body` one at a time, without keeping them.
    public func forEachProblemLine(_ body: (String) -> Void) {
        for m in missing { body(MappingProblem.missing(parameter: m.canonical, expectedName: m.expectedName).description) }
        for m in mismatched {
            body(MappingProblem.mismatched(stored: m.stored, expected: m.expected, found: m.found, graph: m.canonical).description)
        }
        for u in unused { body(MappingProblem.unused(stored: u).description) }
    }

    /// The report as JSON (`scheme`, `mapped`, `unused`, `missing`, `mismatched`).
    package var json: JSON {
        .object([
            ("scheme", .string(scheme.rawValue)),
            ("mapped", .int(mapped.count)),
            ("unused", .array(unused.map { JSON.string($0) })),
            ("missing", .array(missing.map { .object([("name", .string($0.expectedName)), ("graph", .string($0.canonical))]) })),
            ("mismatched", .array(mismatched.map {
                .object([("name", .string($0.stored)), ("expected", .array($0.expected.map { JSON.int($0) })),
                         ("found", .array($0.found.map { JSON.int($0) }))])
            })),
        ])
    }
}
