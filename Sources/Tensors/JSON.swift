/// A JSON value with object keys kept in document order.
///
/// Used for safetensors headers, `config.json`, index files and vitkit's own JSON output.
/// Numbers keep their source text so integers beyond 2^53 survive. Build values with the
/// cases (and `int`, `double`, `float`), read them with the `...Value` accessors and the
/// key subscript, parse text with `parse`, and write it with `compactText` or `prettyText`.
public enum JSON: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number and the exact text it was written as.
    case number(String)
    /// A string, unescaped.
    case string(String)
    /// Items in document order.
    case array([JSON])
    /// Members in document order; keys are unique (the parser rejects duplicates).
    case object([(String, JSON)])

    /// Structural equality: numbers compare by their text (`1.0 != 1`), objects by their
    /// members in order.
    public static func == (a: JSON, b: JSON) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    /// A number from an integer.
    public static func int(_ v: Int) -> JSON { .number(String(v)) }
    /// A number from a double, shortest round-tripping text; non-finite values become `null`.
    public static func double(_ v: Double) -> JSON { v.isFinite ? .number(String(v)) : .null }
    /// A number from a float, shortest text that round-trips the float32 value; non-finite
    /// values become `null`.
    public static func float(_ v: Float) -> JSON { v.isFinite ? .number(String(v)) : .null }


    /// The member `key` of an object, or nil (also when `self` is not an object).
    public subscript(key: String) -> JSON? {
        if case .object(let members) = self { return members.first { $0.0 == key }?.1 }
        return nil
    }

    /// The string of a `.string`, nil otherwise.
    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    /// The value of a `.bool`, nil otherwise.
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    /// The items of an `.array`, nil otherwise.
    public var arrayValue: [JSON]? { if case .array(let a) = self { a } else { nil } }
    /// The members of an `.object` in document order, nil otherwise.
    public var objectValue: [(String, JSON)]? { if case .object(let o) = self { o } else { nil } }
    /// The number as `Double` (nil for non-numbers).
    public var doubleValue: Double? { if case .number(let s) = self { Double(s) } else { nil } }
    /// The number as `Int` when it is an integer written without fraction or exponent.
    public var intValue: Int? {
        if case .number(let s) = self { return Int(s) }
        return nil
    }
}
