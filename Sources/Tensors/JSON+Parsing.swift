/// Strict JSON parsing (RFC 8259): no comments, no trailing commas, no duplicate keys,
/// nesting depth bounded, input must be valid UTF-8. Leading/trailing whitespace is allowed.
extension JSON {
    /// Why a document is not valid JSON, and where.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        /// Byte offset (from 0) in the parsed input where the problem was found.
        public var offset: Int
        /// What is wrong there, e.g. `duplicate key 'a'`.
        public var reason: String
        /// `invalid JSON at byte OFFSET: REASON`.
        public var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }

    /// Parses `bytes` as one JSON document.
    ///
    /// `bytes` are only read during the call; strings and numbers in the result are copies.
    /// Objects and arrays may nest at most `maxDepth` levels.
    ///
    /// - Throws: `JSON.ParseError` for anything RFC 8259 does not allow, invalid UTF-8,
    ///   duplicate keys, nesting deeper than `maxDepth`, or data after the value.
    public static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 64) throws(ParseError) -> JSON {
        var p = JSONParser(bytes: bytes, maxDepth: maxDepth)
        p.skipWhitespace()
        let value = try p.parseValue(depth: 0)
        p.skipWhitespace()
        guard p.i == bytes.count else { throw ParseError(offset: p.i, reason: "unexpected data after the value") }
        return value
    }

    /// Parses `bytes` as one JSON document and, when it is an object, hands each member to
    /// `body` in document order instead of building the object (for huge objects such as a
    /// safetensors header with a million entries).
    ///
    /// - Returns: false when the document is valid JSON but not an object (`body` is not called).
    /// - Throws: what `parse` throws, for the same documents.
    package static func parseMembers(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 64,
                                     _ body: (String, JSON) -> Void) throws(ParseError) -> Bool {
        var p = JSONParser(bytes: bytes, maxDepth: maxDepth)
        p.skipWhitespace()
        let isObject = p.i < bytes.count && bytes[p.i] == UInt8(ascii: "{")
        if isObject { try p.parseMembers(depth: 0, body) } else { _ = try p.parseValue(depth: 0) }
        p.skipWhitespace()
        guard p.i == bytes.count else { throw ParseError(offset: p.i, reason: "unexpected data after the value") }
        return isObject
    }

    /// Parses a UTF-8 byte array.
    ///
    /// - Throws: `JSON.ParseError`, as `parse(_:maxDepth:)` with the default depth.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> JSON {
        try bytes.withUnsafeBytes { b in Result { () throws(ParseError) in try parse(b) } }.get()
    }

    /// Parses a string.
    ///
    /// - Throws: `JSON.ParseError`, as `parse(_:maxDepth:)` with the default depth; offsets
    ///   count UTF-8 bytes.
    public static func parse(_ text: String) throws(ParseError) -> JSON {
        try parse(Array(text.utf8))
    }
}

struct JSONParser {
    let bytes: UnsafeRawBufferPointer
    let maxDepth: Int
    var i = 0

    init(bytes: UnsafeRawBufferPointer, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    func fail(_ reason: String) -> JSON.ParseError { JSON.ParseError(offset: i, reason: reason) }

    mutating func skipWhitespace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    mutating func expect(_ literal: StaticString) throws(JSON.ParseError) {
        let n = literal.utf8CodeUnitCount
        guard i + n <= bytes.count else { throw fail("truncated literal") }
        let p = literal.utf8Start
        for k in 0..<n where bytes[i + k] != p[k] { throw fail("invalid literal") }
        i += n
    }

    mutating func parseValue(depth: Int) throws(JSON.ParseError) -> JSON {
        guard depth <= maxDepth else { throw fail("nesting deeper than \(maxDepth)") }
        guard i < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw fail("unexpected character")
        }
    }

    mutating func parseObject(depth: Int) throws(JSON.ParseError) -> JSON {
        var members: [(String, JSON)] = []
        try parseMembers(depth: depth) { key, value in members.append((key, value)) }
        return .object(members)
    }

    /// Parses an object, handing each member to `body` in document order instead of keeping it.
    mutating func parseMembers(depth: Int, _ body: (String, JSON) -> Void) throws(JSON.ParseError) {
        i += 1
        // Duplicate keys: a linear check while the object is small, a set once it is not.
        var keys: [String] = []
        var seen: Set<String>?
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return }
        while true {
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let keyOffset = i
            let key = try parseString()
            let duplicate: Bool
            if seen != nil {
                duplicate = !seen!.insert(key).inserted
            } else {
                duplicate = keys.contains(key)
                keys.append(key)
                if keys.count == 16 { seen = Set(keys); keys = [] }
            }
            guard !duplicate else { throw JSON.ParseError(offset: keyOffset, reason: "duplicate key '\(key)'") }
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            i += 1
            skipWhitespace()
            body(key, try parseValue(depth: depth + 1))
            skipWhitespace()
            guard i < bytes.count else { throw fail("unterminated object") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return }
            throw fail("expected ',' or '}'")
        }
    }

    mutating func parseArray(depth: Int) throws(JSON.ParseError) -> JSON {
        i += 1
        var items: [JSON] = []
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
        while true {
            skipWhitespace()
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard i < bytes.count else { throw fail("unterminated array") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            throw fail("expected ',' or ']'")
        }
    }

    mutating func parseNumber() throws(JSON.ParseError) -> JSON {
        let start = i
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        func digits(_ p: inout JSONParser) -> Int {
            let s = p.i
            while p.i < p.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(p.bytes[p.i]) { p.i += 1 }
            return p.i - s
        }
        guard i < bytes.count else { throw fail("truncated number") }
        if bytes[i] == UInt8(ascii: "0") { i += 1 } else if digits(&self) == 0 { throw fail("invalid number") }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digits(&self) > 0 else { throw fail("invalid fraction") }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits(&self) > 0 else { throw fail("invalid exponent") }
        }
        return .number(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))
    }
}
