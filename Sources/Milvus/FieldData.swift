import Foundation
import MilvusProto

/// Conversions between Swift arrays and Milvus's columnar `FieldData`.
enum FieldData {
    /// A VARCHAR column.
    static func strings(_ name: String, _ values: some Sequence<String>) -> Milvus_Proto_Schema_FieldData {
        var field = Milvus_Proto_Schema_FieldData()
        field.type = .varChar
        field.fieldName = name
        var scalars = Milvus_Proto_Schema_ScalarField()
        scalars.stringData.data = Array(values)
        field.scalars = scalars
        return field
    }

    /// A FLOAT_VECTOR column: the rows one after the other (every row `dimension` long).
    static func floatVectors(_ name: String, _ rows: some Collection<[Float]>, dimension: Int) -> Milvus_Proto_Schema_FieldData {
        var flat = [Float]()
        flat.reserveCapacity(rows.count * dimension)
        for row in rows { flat.append(contentsOf: row) }
        var field = Milvus_Proto_Schema_FieldData()
        field.type = .floatVector
        field.fieldName = name
        var vectors = Milvus_Proto_Schema_VectorField()
        vectors.dim = Int64(dimension)
        vectors.floatVector.data = flat
        field.vectors = vectors
        return field
    }

    /// The strings of the column `name` among `fields`.
    static func strings(named name: String, in fields: [Milvus_Proto_Schema_FieldData], operation: String) throws -> [String] {
        guard let field = fields.first(where: { $0.fieldName == name }) else {
            throw MilvusError.unexpectedResponse(operation: operation, detail: "no \(name) field in the answer")
        }
        guard case .scalars(let scalars)? = field.field, case .stringData(let strings)? = scalars.data else {
            throw MilvusError.unexpectedResponse(operation: operation, detail: "field \(name) is not a string column")
        }
        return strings.data
    }

    /// The rows of the FLOAT_VECTOR column `name` among `fields`.
    static func floatVectors(named name: String, in fields: [Milvus_Proto_Schema_FieldData], operation: String) throws -> [[Float]] {
        guard let field = fields.first(where: { $0.fieldName == name }) else {
            throw MilvusError.unexpectedResponse(operation: operation, detail: "no \(name) field in the answer")
        }
        guard case .vectors(let vectors)? = field.field, case .floatVector(let floats)? = vectors.data,
              vectors.dim > 0, floats.data.count % Int(vectors.dim) == 0 else {
            throw MilvusError.unexpectedResponse(operation: operation, detail: "field \(name) is not a float vector column")
        }
        let dimension = Int(vectors.dim)
        return stride(from: 0, to: floats.data.count, by: dimension).map { Array(floats.data[$0..<$0 + dimension]) }
    }

    /// Little-endian float32 bytes of one query vector (a PlaceholderValue entry).
    static func bytes(_ vector: [Float]) -> Data {
        var data = Data(capacity: vector.count * 4)
        for value in vector {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    /// A Milvus expression string literal: `"` and `\` escaped, newline, CR and tab as escapes.
    static func literal(_ text: String) -> String {
        var out = "\""
        for character in text.unicodeScalars {
            switch character {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(character)
            }
        }
        return out + "\""
    }

    /// `path in ["a", "b"]`.
    static func pathFilter(_ paths: some Sequence<String>) -> String {
        "\(MilvusImageSchema.pathField) in [" + paths.map(literal).joined(separator: ", ") + "]"
    }
}
