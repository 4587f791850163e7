import Tensors

extension EvaluationData {
    /// The manifest's lines (LF or CRLF), with their 1-based numbers, blank lines dropped.
    static func lines(_ bytes: [UInt8], manifest: String) throws -> [(number: Int, text: String)] {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }  // UTF-8 BOM
        var out: [(Int, String)] = []
        for (i, raw) in body.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            var line = raw
            if line.last == 0x0D { line = line.dropLast() }
            guard let text = String(validating: line, as: UTF8.self) else {
                throw EvaluationError.manifest(file: manifest, line: i + 1, reason: "not valid UTF-8")
            }
            if text.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            out.append((i + 1, text))
        }
        return out
    }

    static func csv(_ bytes: [UInt8], manifest: String) throws -> [Item] {
        let lines = try lines(bytes, manifest: manifest)
        guard let header = lines.first else { throw EvaluationError.data(path: manifest, reason: "holds no images (the CSV manifest is empty)") }
        let names = try csvFields(header.text, manifest: manifest, line: header.number).map { $0.trimmingSpaces.lowercased() }
        guard let pathColumn = names.firstIndex(of: "path"), let labelColumn = names.firstIndex(of: "label") else {
            throw EvaluationError.manifest(file: manifest, line: header.number,
                                           reason: "the header must name the columns path and label (found: \(names.joined(separator: ",")))")
        }
        var items: [Item] = []
        for (number, text) in lines.dropFirst() {
            let fields = try csvFields(text, manifest: manifest, line: number)
            guard fields.count == names.count else {
                throw EvaluationError.manifest(file: manifest, line: number, reason: "\(fields.count) fields, the header has \(names.count)")
            }
            let path = fields[pathColumn].trimmingSpaces, label = fields[labelColumn].trimmingSpaces
            guard !path.isEmpty else { throw EvaluationError.manifest(file: manifest, line: number, reason: "empty path") }
            guard !label.isEmpty else { throw EvaluationError.manifest(file: manifest, line: number, reason: "empty label") }
            items.append(Item(path: resolve(path, manifest: manifest), label: .name(label)))
        }
        return items
    }

    /// The fields of one CSV line: comma-separated, `"quoted, with "" for a quote"`.
    static func csvFields(_ line: String, manifest: String, line number: Int) throws -> [String] {
        var fields: [String] = []
        var field = ""
        var inQuotes = false, wasQuoted = false
        var chars = line.makeIterator()
        while let c = chars.next() {
            if inQuotes {
                if c == "\"" {
                    var lookahead = chars
                    if lookahead.next() == "\"" { field.append("\""); chars = lookahead } else { inQuotes = false }
                } else {
                    field.append(c)
                }
            } else if c == "," {
                fields.append(field); field = ""; wasQuoted = false
            } else if c == "\"" && field.trimmingSpaces.isEmpty && !wasQuoted {
                field = ""; inQuotes = true; wasQuoted = true
            } else if wasQuoted && c != " " && c != "\t" {
                throw EvaluationError.manifest(file: manifest, line: number, reason: "text after a closing quote")
            } else if !wasQuoted {
                field.append(c)
            }
        }
        guard !inQuotes else {
            throw EvaluationError.manifest(file: manifest, line: number, reason: "unterminated quoted field (a field cannot span lines)")
        }
        fields.append(field)
        return fields
    }

    static func jsonLines(_ bytes: [UInt8], manifest: String) throws -> [Item] {
        var items: [Item] = []
        for (number, text) in try lines(bytes, manifest: manifest) {
            let object: JSON
            do { object = try JSON.parse(text) } catch {
                throw EvaluationError.manifest(file: manifest, line: number, reason: error.description)
            }
            guard object.objectValue != nil else {
                throw EvaluationError.manifest(file: manifest, line: number, reason: "expected an object {\"path\": ..., \"label\": ...}")
            }
            guard let path = object["path"]?.stringValue, !path.isEmpty else {
                throw EvaluationError.manifest(file: manifest, line: number, reason: "\"path\" must be a non-empty string")
            }
            let label: Label
            switch object["label"] {
            case .string(let s)? where !s.isEmpty: label = .name(s)
            case let v? where v.intValue != nil: label = .id(v.intValue!)
            case nil: throw EvaluationError.manifest(file: manifest, line: number, reason: "no \"label\"")
            case let v?: throw EvaluationError.manifest(file: manifest, line: number,
                                                        reason: "\"label\" must be a name or an integer id, found \(v.compactText)")
            }
            items.append(Item(path: resolve(path, manifest: manifest), label: label))
        }
        return items
    }
}

extension String {
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        return String(scalars[first...last])
    }
}
