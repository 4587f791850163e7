import Drawing
import Foundation
import Testing

/// The plots' font: read whole into memory, so what happens to the file after it is opened
/// cannot reach the drawing (FreeType reading a mapped file would crash on a truncated one).
@Suite("font face")
struct FontFaceTests {
    @Test func aFontTruncatedAfterOpeningStillDraws() throws {
        let dir = try scratchDirectory()
        let path = dir + "/font.ttf"
        try FileManager.default.copyItem(atPath: PNGFile.defaultFontPath, toPath: path)
        let font = try FontFace(path: path)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 0)
        try handle.close()
        // Glyph outlines are read when drawn, after the truncation.
        let mask = font.render("Confusion matrix 0123456789", 24)
        #expect(mask.width > 100 && mask.height > 10)
        #expect(mask.coverage.contains { $0 > 200 }, "glyphs were drawn")
    }

    @Test func anEmptyFontIsRefusedNamingIt() throws {
        let dir = try scratchDirectory()
        let path = dir + "/empty.ttf"
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let error = #expect(throws: PlotError.self) { try FontFace(path: path) }
        guard case .font(let file, let reason)? = error else {
            Issue.record("not a font error: \(String(describing: error))")
            return
        }
        #expect(file == path && !reason.contains(path), "\(reason)")
    }
}
