import Foundation
import Testing
import Tensors
import ViTEmbedding

@Suite("ImageFiles")
struct ImageFilesTests {
    static func touch(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: path, contents: Data([0x89])))
    }

    @Test func directoriesAreWalkedRecursivelyInByteOrder() throws {
        try Fixtures.withTemporaryDirectory { dir in
            for name in ["b.png", "B.JPG", "a/z.jpeg", "a/y.png", "a/sub/x.jpg", "c.txt", ".hidden.png", ".git/h.png",
                         "a b.png", "é.png", "notes.png.bak"] {
                try Self.touch(dir + "/" + name)
            }
            try FileManager.default.createSymbolicLink(atPath: dir + "/loop", withDestinationPath: dir)  // not followed
            try FileManager.default.createSymbolicLink(atPath: dir + "/link.png", withDestinationPath: dir + "/b.png")
            let found = try ImageFiles.collect([dir])
            let names = found.map { String($0.dropFirst(dir.count + 1)) }
            // Byte order: ' ' < 'B' < 'a' < 'b' < 'l' < 'é' (0xC3); a/ sorts before "a b.png"? no: "a" < "a b.png".
            #expect(names == ["B.JPG", "a/sub/x.jpg", "a/y.png", "a/z.jpeg", "a b.png", "b.png", "link.png", "é.png"], "\(names)")
        }
    }

    @Test func filesAreTakenAsGivenInArgumentOrder() throws {
        try Fixtures.withTemporaryDirectory { dir in
            try Self.touch(dir + "/d/one.png")
            try Self.touch(dir + "/image.bin")
            let found = try ImageFiles.collect([dir + "/image.bin", dir + "/d", dir + "/image.bin"])
            #expect(found == [dir + "/image.bin", dir + "/d/one.png", dir + "/image.bin"])
        }
    }

    @Test func nothingFoundAndMissingArgumentsAreErrors() throws {
        try Fixtures.withTemporaryDirectory { dir in
            try Self.touch(dir + "/empty/readme.txt")
            #expect(throws: EmbeddingError.noImages(arguments: [dir + "/empty"])) { try ImageFiles.collect([dir + "/empty"]) }
            #expect(throws: EmbeddingError.missingImage(path: dir + "/nope.png")) { try ImageFiles.collect([dir + "/nope.png"]) }
            #expect(EmbeddingError.noImages(arguments: ["x"]).description
                == "no PNG or JPEG images (.png, .jpg, .jpeg) found in 'x' (directories are searched recursively; hidden entries are skipped)")
        }
    }
}
