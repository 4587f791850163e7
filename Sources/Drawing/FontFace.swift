internal import CFreeType
import Tensors

/// A TrueType/OpenType font rasterized by FreeType (hinted, anti-aliased), at any pixel size.
///
/// Owns its FreeType library and face; not thread-safe (one plot at a time draws with it).
package final class FontFace {
    package let path: String
    private var library: OpaquePointer?
    private var face: FT_Face?
    /// The font file's bytes, which the face reads from until it is done.
    private var bytes: UnsafeMutableBufferPointer<UInt8>?
    private var size = 0
    private var glyphs: [GlyphKey: Glyph] = [:]

    struct GlyphKey: Hashable {
        var scalar: UInt32
        var size: Int
    }

    /// One glyph's coverage bitmap and metrics at one size.
    struct Glyph {
        var width: Int, rows: Int, left: Int, top: Int
        /// Pen advance, 26.6 fixed point.
        var advance: Int
        var coverage: [UInt8]
    }

    /// Opens the font at `path`, read into memory (at most 64 MB) rather than handed to
    /// FreeType by name: FreeType maps the file and reads glyphs from the mapping as it draws,
    /// so a font truncated meanwhile would crash the process (SIGBUS) mid-picture.
    ///
    /// - Throws: `PlotError.font` naming `path` when it is missing, not a regular file, larger
    ///   than 64 MB, or not a scalable font FreeType reads.
    package init(path: String) throws(PlotError) {
        self.path = path
        switch FileSystem.kind(of: path, followingLinks: true) {
        case nil: throw .font(file: path, reason: "font file not found (install fonts-dejavu-core, or pass another TrueType font)")
        case .regular?: break
        case let kind?: throw .font(file: path, reason: "expected a font file, found \(kind.description)")
        }
        let contents: [UInt8]
        do { contents = try FileSystem.readFile(path, limit: 64 << 20) } catch {
            let text = "\(error)"
            throw .font(file: path, reason: text.hasPrefix(path + ": ") ? String(text.dropFirst(path.count + 2)) : text)
        }
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(contents.count, 1))
        _ = buffer.initialize(from: contents)
        bytes = buffer
        var lib: OpaquePointer?
        guard FT_Init_FreeType(&lib) == 0, let lib else { throw .font(file: path, reason: "FreeType failed to initialise") }
        library = lib
        var f: FT_Face?
        let error = FT_New_Memory_Face(lib, buffer.baseAddress, FT_Long(contents.count), 0, &f)
        guard error == 0, let f else { throw .font(file: path, reason: Self.message(error)) }
        face = f
        guard vitkit_ft_is_scalable(f) != 0 else { throw .font(file: path, reason: "not a scalable (outline) font") }
    }

    deinit {
        if let face { FT_Done_Face(face) }
        if let library { FT_Done_FreeType(library) }
        bytes?.deallocate()
    }

    /// Pixels above and below the baseline of a line at `pixelSize`.
    package func lineMetrics(_ pixelSize: Int) -> (ascender: Int, descender: Int) {
        setSize(pixelSize)
        var a: Int32 = 0, d: Int32 = 0
        vitkit_ft_line_metrics(face, &a, &d)
        return (Int(a), Int(d))
    }

    /// Height of a line at `pixelSize`.
    package func lineHeight(_ pixelSize: Int) -> Int {
        let m = lineMetrics(pixelSize)
        return m.ascender + m.descender
    }

    /// Width of `text` at `pixelSize` in pixels (pen advances with kerning, rounded up).
    package func width(_ text: String, _ pixelSize: Int) -> Int {
        ((layout(text, pixelSize).last.map { $0.pen + $0.glyph.advance } ?? 0) + 63) / 64
    }

    /// `text` rendered as a coverage mask `width(text)` x `lineHeight` (baseline at the ascender).
    package func render(_ text: String, _ pixelSize: Int) -> TextMask {
        let (ascender, descender) = lineMetrics(pixelSize)
        var mask = TextMask(width: width(text, pixelSize), height: ascender + descender)
        for (pen, glyph) in layout(text, pixelSize) {
            let x0 = (pen + 32) / 64 + glyph.left, y0 = ascender - glyph.top
            for row in 0..<glyph.rows {
                let y = y0 + row
                guard y >= 0, y < mask.height else { continue }
                for col in 0..<glyph.width {
                    let x = x0 + col
                    guard x >= 0, x < mask.width else { continue }
                    let i = y * mask.width + x
                    mask.coverage[i] = max(mask.coverage[i], glyph.coverage[row * glyph.width + col])
                }
            }
        }
        return mask
    }

    /// `text` shortened with "…" until it is at most `maxWidth` pixels wide at `pixelSize`.
    package func truncated(_ text: String, maxWidth: Int, _ pixelSize: Int) -> String {
        guard width(text, pixelSize) > maxWidth else { return text }
        var chars = Array(text)
        while !chars.isEmpty {
            chars.removeLast()
            while chars.last == " " { chars.removeLast() }
            let candidate = String(chars) + "…"
            if width(candidate, pixelSize) <= maxWidth { return candidate }
        }
        return "…"
    }

    /// Pen positions (26.6) and glyphs of `text`, with kerning.
    private func layout(_ text: String, _ pixelSize: Int) -> [(pen: Int, glyph: Glyph)] {
        var out: [(pen: Int, glyph: Glyph)] = []
        var pen = 0
        var previous: UInt32?
        for scalar in text.unicodeScalars {
            let glyph = self.glyph(scalar.value, pixelSize)
            if let p = previous { pen += vitkit_ft_kerning(face, UInt(p), UInt(scalar.value)) }
            out.append((pen, glyph))
            pen += glyph.advance
            previous = scalar.value
        }
        return out
    }

    private func glyph(_ scalar: UInt32, _ pixelSize: Int) -> Glyph {
        let key = GlyphKey(scalar: scalar, size: pixelSize)
        if let g = glyphs[key] { return g }
        setSize(pixelSize)
        var g = vitkit_ft_glyph()
        var glyph = Glyph(width: 0, rows: 0, left: 0, top: 0, advance: 0, coverage: [])
        if vitkit_ft_render(face, UInt(scalar), &g) == 0 {
            glyph = Glyph(width: Int(g.width), rows: Int(g.rows), left: Int(g.left), top: Int(g.top), advance: g.advance,
                          coverage: [UInt8](repeating: 0, count: Int(g.width) * Int(g.rows)))
            if let buffer = g.buffer {
                for row in 0..<glyph.rows {
                    let src = buffer + row * Int(g.pitch)
                    for col in 0..<glyph.width { glyph.coverage[row * glyph.width + col] = src[col] }
                }
            }
        }
        glyphs[key] = glyph
        return glyph
    }

    private func setSize(_ pixelSize: Int) {
        guard pixelSize != size else { return }
        FT_Set_Pixel_Sizes(face, 0, UInt32(pixelSize))
        size = pixelSize
    }

    static func message(_ error: FT_Error) -> String {
        switch error {
        case 0x01: "FreeType cannot open the file"
        case 0x02: "not a font file FreeType knows (unknown file format)"
        case 0x03: "invalid or corrupt font file"
        default: "FreeType cannot read it (error \(error))"
        }
    }
}

/// Text rendered to 8-bit coverage (0 = background, 255 = ink), row-major.
package struct TextMask {
    package var width: Int
    package var height: Int
    package var coverage: [UInt8]

    package init(width: Int, height: Int) {
        self.width = width
        self.height = height
        coverage = [UInt8](repeating: 0, count: width * height)
    }
}
