/// The subset of Python literal syntax an NPY header uses: dicts, lists, tuples, strings,
/// decimal integers, `True`, `False` and `None`, with Python's whitespace rules.
///
/// Strict where Python is: `(3)` is the integer 3, not a tuple; `(3,)` and `()` are tuples.
/// Anything `ast.literal_eval` would not accept is refused, and so are the forms numpy never
/// writes (hex or underscored integers, escapes other than `\\`, `\'` and `\"`, string prefixes).
indirect enum PythonLiteral: Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    /// Key-value pairs in source order. Keys must be strings (NPY headers need no other);
    /// duplicates are refused.
    case dict([Pair])

    struct Pair: Equatable {
        var key: String
        var value: PythonLiteral
    }

    struct ParseError: Error {
        var offset: Int
        var reason: String
    }

    /// Parses `bytes` as one literal surrounded by optional whitespace. `latin1` decodes string
    /// contents byte by byte (NPY 1.0/2.0); otherwise they must be UTF-8 (NPY 3.0).
    static func parse(_ bytes: [UInt8], latin1: Bool) throws(ParseError) -> PythonLiteral {
        var parser = PythonLiteralParser(bytes: bytes, latin1: latin1)
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.i == bytes.count else {
            throw ParseError(offset: parser.i, reason: "unexpected text after the literal")
        }
        return value
    }
}

struct PythonLiteralParser {
    let bytes: [UInt8]
    let latin1: Bool
    var i = 0
    static let maxDepth = 16

    init(bytes: [UInt8], latin1: Bool) {
        self.bytes = bytes
        self.latin1 = latin1
    }

    func fail(_ reason: String) -> PythonLiteral.ParseError { .init(offset: i, reason: reason) }

    mutating func skipSpace() {
        while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D, 0x0C].contains(bytes[i]) { i += 1 }
    }

    func peek() -> UInt8? { i < bytes.count ? bytes[i] : nil }

    mutating func value(depth: Int) throws(PythonLiteral.ParseError) -> PythonLiteral {
        guard depth < Self.maxDepth else { throw fail("nested deeper than \(Self.maxDepth)") }
        guard let c = peek() else { throw fail("unexpected end of header") }
        switch c {
        case UInt8(ascii: "{"): return try dict(depth: depth)
        case UInt8(ascii: "["): return .list(try sequence(close: UInt8(ascii: "]"), depth: depth).items)
        case UInt8(ascii: "("):
            let (items, comma) = try sequence(close: UInt8(ascii: ")"), depth: depth)
            return items.count == 1 && !comma ? items[0] : .tuple(items)
        case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .int(try integer())
        default: return try name()
        }
    }

    /// Items up to `close`, separated by commas, with an optional trailing comma.
    mutating func sequence(close: UInt8, depth: Int) throws(PythonLiteral.ParseError) -> (
        items: [PythonLiteral], comma: Bool
    ) {
        i += 1
        var items: [PythonLiteral] = []
        var comma = false
        while true {
            skipSpace()
            if peek() == close { i += 1; return (items, comma) }
            items.append(try value(depth: depth + 1))
            skipSpace()
            if peek() == UInt8(ascii: ",") { i += 1; comma = true; continue }
            guard peek() == close else { throw fail("expected ',' or '\(Character(Unicode.Scalar(close)))'") }
        }
    }

    mutating func dict(depth: Int) throws(PythonLiteral.ParseError) -> PythonLiteral {
        i += 1
        var pairs: [PythonLiteral.Pair] = []
        var keys = Set<String>()
        while true {
            skipSpace()
            if peek() == UInt8(ascii: "}") { i += 1; return .dict(pairs) }
            let keyOffset = i
            guard case .string(let key) = try value(depth: depth + 1) else {
                throw PythonLiteral.ParseError(offset: keyOffset, reason: "a dict key that is not a string")
            }
            guard keys.insert(key).inserted else {
                throw PythonLiteral.ParseError(offset: keyOffset, reason: "duplicate key '\(key)'")
            }
            skipSpace()
            guard peek() == UInt8(ascii: ":") else { throw fail("expected ':' after a dict key") }
            i += 1
            skipSpace()
            pairs.append(.init(key: key, value: try value(depth: depth + 1)))
            skipSpace()
            if peek() == UInt8(ascii: ",") { i += 1; continue }
            guard peek() == UInt8(ascii: "}") else { throw fail("expected ',' or '}'") }
        }
    }

    mutating func string() throws(PythonLiteral.ParseError) -> String {
        let quote = bytes[i]
        i += 1
        var content: [UInt8] = []
        while true {
            guard let c = peek(), c != 0x0A else { throw fail("unterminated string") }
            i += 1
            if c == quote { break }
            if c == UInt8(ascii: "\\") {
                guard let e = peek(), [UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\"")].contains(e) else {
                    throw fail("unsupported escape in a string")
                }
                content.append(e)
                i += 1
            } else {
                content.append(c)
            }
        }
        if latin1 && !content.allSatisfy({ $0 < 0x80 }) {
            return String(String.UnicodeScalarView(content.map { Unicode.Scalar($0) }))
        }
        let s = String(decoding: content, as: UTF8.self)
        guard s.utf8.elementsEqual(content) else { throw fail("string is not valid UTF-8") }
        return s
    }

    /// A decimal integer: an optional '-', then "0" or digits without a leading zero.
    mutating func integer() throws(PythonLiteral.ParseError) -> Int {
        let negative = peek() == UInt8(ascii: "-")
        if negative { i += 1; skipSpace() }
        let start = i
        var v = 0
        while let c = peek(), c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int(c - UInt8(ascii: "0")))
            guard !o1, !o2 else { throw PythonLiteral.ParseError(offset: start, reason: "integer too large") }
            v = a
            i += 1
        }
        guard i > start else { throw fail("expected a digit") }
        guard bytes[start] != UInt8(ascii: "0") || i == start + 1 else {
            throw PythonLiteral.ParseError(offset: start, reason: "integer with a leading zero")
        }
        // Python 2 wrote long integers as `2L`; numpy drops that `L` from NPY 1.0/2.0 headers
        // (`_filter_header`), e.g. its own test file win64python2.npy: `'shape': (2L,)`.
        if latin1, peek() == UInt8(ascii: "L") { i += 1 }
        if let c = peek(),
            c == UInt8(ascii: "_") || c == UInt8(ascii: ".") || c == UInt8(ascii: "L")
                || (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "z"))
        {
            throw fail("unsupported number syntax")
        }
        return negative ? -v : v
    }

    mutating func name() throws(PythonLiteral.ParseError) -> PythonLiteral {
        let start = i
        while let c = peek(), c == UInt8(ascii: "_") || (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "z"))
        {
            i += 1
        }
        switch String(decoding: bytes[start..<i], as: UTF8.self) {
        case "True": return .bool(true)
        case "False": return .bool(false)
        case "None": return .none
        default: throw PythonLiteral.ParseError(offset: start, reason: "unexpected text")
        }
    }
}
