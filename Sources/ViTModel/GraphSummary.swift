import Tensors

/// The layer view of a mapped checkpoint: each graph part with its parameters' shapes and
/// parameter counts.
package struct GraphSummary: Sendable {
    package struct Part: Sendable {
        package var name: String
        package var parameters: [(name: String, shape: [Int])]
        package var count: Int
    }

    package var parts: [Part]
    package var total: Int

    package init(config: ViTConfig) {
        var parts: [Part] = []
        for p in config.graphParameters {
            let label = p.part.description
            if parts.last?.name != label { parts.append(Part(name: label, parameters: [], count: 0)) }
            parts[parts.count - 1].parameters.append((p.name, p.shape))
            parts[parts.count - 1].count += Shape.elementCount(p.shape) ?? 0
        }
        self.parts = parts
        total = parts.reduce(0) { $0 + $1.count }
    }

    package var json: JSON {
        .object([
            ("parts", .array(parts.map { part in
                .object([
                    ("name", .string(part.name)),
                    ("parameters", .int(part.count)),
                    ("tensors", .array(part.parameters.map { .object([("name", .string($0.name)), ("shape", .array($0.shape.map { JSON.int($0) }))]) })),
                ])
            })),
            ("parameters", .int(total)),
        ])
    }
}
