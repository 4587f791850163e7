/// Column-aligned plain-text tables: cells padded to the widest in their column (in
/// characters), two spaces between columns, no trailing spaces.
enum TextTable {
    /// The table as lines, header first.
    static func render(header: [String], rows: [[String]], rightAligned: Set<Int> = []) -> [String] {
        var lines: [String] = [String]()
        lines.reserveCapacity(rows.count + 1)
        write(header: header, count: rows.count, row: { rows[$0] }, rightAligned: rightAligned) {
            lines.append(String(decoding: $0, as: UTF8.self))
        }
        return lines
    }

    /// Renders rows made on demand, handing each line's UTF-8 (no newline) to `emit`. Cells
    /// are escaped for the terminal (`Terminal.escape`): names come from files.
    ///
    /// `row` is called twice per row (widths, then text) and nothing is kept between rows, so
    /// a table of a million tensors needs the memory of one line, not of the whole table.
    /// With `maxWidth` (the terminal's columns), a first column that would make lines longer
    /// is narrowed (to no less than 16 characters) by eliding the middle of its cells.
    static func write(header: [String], count: Int, row: (Int) -> [String], rightAligned: Set<Int> = [],
                      maxWidth: Int? = nil, emit: ([UInt8]) -> Void) {
        var widths = header.map(width)
        for k in 0..<count { for (i, c) in row(k).map({ Terminal.escape($0) }).enumerated() { widths[i] = max(widths[i], width(c)) } }
        if let maxWidth, !widths.isEmpty {
            let others = widths.dropFirst().reduce(0, +) + 2 * (widths.count - 1)
            widths[0] = min(widths[0], max(16, maxWidth - others))
        }
        let firstWidth = widths.first ?? 0
        func escapedRow(_ k: Int) -> [String] {
            row(k).enumerated().map { i, c in
                let e = Terminal.escape(c)
                return i == 0 && width(e) > firstWidth ? Terminal.elide(e, to: firstWidth) : e
            }
        }
        var line: [UInt8] = []
        func format(_ cells: [String]) {
            line.removeAll(keepingCapacity: true)
            for (i, c) in cells.enumerated() {
                if i > 0 { line.append(contentsOf: [0x20, 0x20]) }
                let pad = repeatElement(UInt8(0x20), count: widths[i] - width(c))
                if rightAligned.contains(i) { line.append(contentsOf: pad); line.append(contentsOf: c.utf8) }
                else { line.append(contentsOf: c.utf8); line.append(contentsOf: pad) }
            }
            while line.last == 0x20 { line.removeLast() }
            emit(line)
        }
        format(header)
        for k in 0..<count { format(escapedRow(k)) }
    }

    /// Characters in `s` (its byte count when it is ASCII, without walking grapheme clusters).
    static func width(_ s: String) -> Int {
        s.utf8.contains(where: { $0 >= 0x80 }) ? s.count : s.utf8.count
    }
}
