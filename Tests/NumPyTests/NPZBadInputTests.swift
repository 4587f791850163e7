import Testing
import Tensors

@testable import NumPy

/// Malformed and hostile `.npz` archives, each built byte by byte: a clear error naming the
/// file (and member), never a trap, never an allocation sized by an untrusted field.
@Suite struct NPZBadInputTests {
    static let npy = NPYBytes.make(
        NPYBytes.dict("<f4", "(2, 3)"), data: NPYBytes.bytes([Float](repeating: 1.5, count: 6)))

    /// Opens the archive and reads every tensor.
    func load(_ bytes: [UInt8], in directory: TempDir? = nil, name: String = "bad.npz") throws {
        let dir = try directory ?? TempDir()
        defer { if directory == nil { dir.cleanup() } }
        let npz = try NPZFile(path: try dir.write(name, bytes))
        for info in npz.tensors { _ = try npz.tensor(named: info.name) }
    }

    func load(_ members: [ZipMember]) throws { try load(try ZipBuilder(members).build()) }

    @Test func notAZip() throws {
        expectError(["bad.npz", "too short"]) { try load(Array("hello".utf8)) }
        expectError(["bad.npz", "not a ZIP archive"]) { try load([UInt8](repeating: 0x41, count: 100)) }
        expectError(["bad.npz", "an .npy file"]) { try load(Self.npy) }
    }

    @Test func truncatedAtEveryLength() throws {
        let good = try ZipBuilder([ZipMember("a.npy", Self.npy), ZipMember("b.npy", Self.npy, deflate: true)]).build()
        try load(good)
        for n in 0..<good.count {
            expectError(["bad.npz"]) { try load(Array(good[0..<n])) }
        }
    }

    @Test func everyByteFlipped() throws {
        // No crash for any single corrupted byte; most flips must be caught.
        var builder = ZipBuilder([ZipMember("a.npy", Self.npy), ZipMember("b/c.npy", Self.npy, deflate: true)])
        builder.zip64End = true
        let good = try builder.build()
        let dir = try TempDir()
        defer { dir.cleanup() }
        var caught = 0
        for i in good.indices {
            for mask: UInt8 in [0xFF, 0x01, 0x80] {
                var bad = good
                bad[i] ^= mask
                do { try load(bad, in: dir, name: "\(i)-\(mask).npz") } catch is CheckpointError { caught += 1 }
            }
        }
        #expect(caught > good.count * 2)
    }

    @Test func dataRunningPastTheEnd() {
        var m = ZipMember("a.npy", Self.npy)
        m.zip64Central = true
        (m.centralCSize, m.centralUSize, m.localCSize, m.localUSize) = (1 << 40, 1 << 40, 1 << 40, 1 << 40)
        expectError(["bad.npz", "a.npy", "run past"]) { try load([m]) }
    }

    @Test func hugeShapeOverLittleData() {
        let huge = NPYBytes.make(NPYBytes.dict("<f4", "(1000000000, 1000)"), data: [0, 0, 0, 0])
        expectError(["tensor 'h'", "4000000000000 bytes of data but has 4"]) { try load([ZipMember("h.npy", huge)]) }
        expectError(["tensor 'h'", "4000000000000 bytes of data but has 4"]) {
            try load([ZipMember("h.npy", huge, deflate: true)])
        }
    }

    @Test func deflateBombIsRefusedBeforeAllocation() throws {
        // 40 GB of zeros declared from a few hundred compressed bytes: more than deflate can make.
        var m = ZipMember("z.npy", Self.npy, deflate: true)
        m.zip64Central = true
        (m.centralUSize, m.localUSize) = (40 << 30, 40 << 30)
        expectError(["z.npy", "more than deflate can produce"]) { try load([m]) }
    }

    @Test func aMemberOverTheInflateLimitIsRefusedBeforeInflating() throws {
        // A real, consistent member: 8 MiB of zeros (the NPY header agrees with the ZIP sizes).
        let zeros = NPYBytes.make(NPYBytes.dict("<f4", "(2097152,)"), data: [UInt8](repeating: 0, count: 8 << 20))
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = try dir.write("big.npz", try ZipBuilder([ZipMember("z.npy", zeros, deflate: true)]).build())
        let limited = try NPZFile(path: path, maxInflatedBytes: 1 << 20)
        #expect(throws: CheckpointError.invalidTensor(file: path, tensor: "z", reason: "deflated member 'z.npy' declares \(zeros.count) bytes, over the limit of 1048576 bytes per member; refused before inflating")) {
            try limited.tensor(named: "z")
        }
        #expect(try NPZFile(path: path).tensor(named: "z").elementCount == 2_097_152)
    }

    @Test func streamLongerThanDeclaredStopsThere() throws {
        // A real 10 MB zero run hidden behind a member declaring only its small NPY content.
        var m = ZipMember("z.npy", Self.npy, deflate: true)
        m.compressed = try deflateRaw(Self.npy + [UInt8](repeating: 0, count: 10 << 20))
        expectError(["z.npy", "more than the declared 152 bytes"]) { try load([m]) }
    }

    @Test func streamShorterThanDeclared() throws {
        var m = ZipMember("s.npy", Self.npy, deflate: true)
        m.compressed = try deflateRaw(Array(Self.npy.dropLast(4)))
        expectError(["s.npy", "ends after 148 bytes"]) { try load([m]) }
    }

    @Test func truncatedAndCorruptDeflate() throws {
        let full = try deflateRaw(Self.npy, level: 0)
        var cut = ZipMember("t.npy", Self.npy, deflate: true)
        cut.compressed = Array(full.dropLast(10))
        expectError(["t.npy", "truncated"]) { try load([cut]) }
        var corrupt = ZipMember("c.npy", Self.npy, deflate: true)
        corrupt.compressed = [0xFF] + full.dropFirst()  // reserved block type 3
        expectError(["c.npy", "corrupt deflate stream"]) { try load([corrupt]) }
        var trailing = ZipMember("r.npy", Self.npy, deflate: true)
        trailing.compressed = try deflateRaw(Self.npy) + [1, 2, 3]
        expectError(["r.npy", "3 compressed bytes follow"]) { try load([trailing]) }
    }

    @Test func overlappingMembers() throws {
        // 'a' claims the bytes of 'b' (local header and data) as its own: both agree on sizes.
        let bSpan = UInt64(30 + 5 + 20 + Self.npy.count)
        var a = ZipMember("a.npy", Self.npy)
        let size = UInt64(Self.npy.count) + bSpan
        (a.centralCSize, a.centralUSize, a.localCSize, a.localUSize) = (size, size, size, size)
        expectError(["bad.npz", "'a.npy'", "'b.npy'", "overlap"]) { try load([a, ZipMember("b.npy", Self.npy)]) }
        // Two central entries pointing at one local header.
        var twin = ZipMember("a.npy", Self.npy)
        twin.centralOffset = 0
        expectError(["bad.npz", "a.npy", "twice"]) { try load([ZipMember("a.npy", Self.npy), twin]) }
    }

    @Test func localCentralMismatches() {
        var size = ZipMember("a.npy", Self.npy)
        size.localCSize = 10
        expectError(["a.npy", "local header declares compressed size 10", "central directory \(Self.npy.count)"]) {
            try load([size])
        }
        var usize = ZipMember("a.npy", Self.npy)
        usize.zip64Local = false
        usize.localUSize = 99
        expectError(["a.npy", "uncompressed size 99"]) { try load([usize]) }
        var crc = ZipMember("a.npy", Self.npy)
        crc.localCRC = 1
        expectError(["a.npy", "CRC-32 0x00000001"]) { try load([crc]) }
        var name = ZipMember("a.npy", Self.npy)
        name.localName = "b.npy"
        expectError(["local header names 'b.npy'"]) { try load([name]) }
        var descriptor = ZipMember("d.npy", Self.npy, deflate: true)
        descriptor.descriptor = true
        descriptor.localCSize = 7
        expectError(["d.npy", "data descriptor declares compressed size 7"]) { try load([descriptor]) }
    }

    @Test func crcMismatchOnRead() throws {
        for deflate in [false, true] {
            var m = ZipMember("a.npy", Self.npy, deflate: deflate)
            (m.centralCRC, m.localCRC) = (0xDEAD_BEEF, 0xDEAD_BEEF)
            expectError(["tensor 'a'", "CRC-32", "0xdeadbeef"]) { try load([m]) }
        }
    }

    @Test func refusedMembers() {
        let pickle = NPYBytes.make(NPYBytes.dict("|O", "(1,)"), data: [0x80, 4, 0x4E, 0x2E])
        let structured = NPYBytes.make(
            "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", data: [0, 0, 0, 0])
        // Members vitkit cannot represent are skipped with their reason (never unpickled); the
        // numeric ones still read.
        do {
            let dir = try TempDir()
            defer { dir.cleanup() }
            let bytes = try ZipBuilder([ZipMember("obj.npy", pickle, deflate: true), ZipMember("s.npy", structured),
                                        ZipMember("a.npy", Self.npy)]).build()
            let npz = try NPZFile(path: try dir.write("mixed.npz", bytes))
            #expect(npz.tensors.map(\.name) == ["a"])
            #expect(npz.skipped.map(\.name) == ["obj", "s"])
            #expect(npz.skipped[0].reason.contains("pickles") && npz.skipped[1].reason.contains("structured"))
            _ = try npz.tensor(named: "a")
            #expect(throws: CheckpointError.self) { try npz.tensor(named: "obj") }
        } catch {
            Issue.record("\(error)")
        }
        expectError(["member 'readme.txt'", "magic"]) { try load([ZipMember("readme.txt", Array("hello world".utf8))]) }
        var bzip = ZipMember("a.npy", Self.npy)
        bzip.method = 12
        expectError(["compression method 12"]) { try load([bzip]) }
        var encrypted = ZipMember("a.npy", Self.npy)
        encrypted.flags = 1
        expectError(["encrypted"]) { try load([encrypted]) }
        expectError(["array 'a'"]) { try load([ZipMember("a.npy", Self.npy), ZipMember("a", Self.npy)]) }
    }

    @Test func endRecordsInconsistent() throws {
        let good = try ZipBuilder([ZipMember("a.npy", Self.npy)]).build()
        var offset = good
        offset[offset.count - 6] &+= 1  // central directory offset
        expectError(["does not end where the end records start"]) { try load(offset) }
        var count = good
        count[count.count - 12] = 2  // entries on this disk and in total
        count[count.count - 14] = 2
        expectError(["central directory entry 1 of 2"]) { try load(count) }
        var disk = good
        disk[disk.count - 18] = 1
        expectError(["multi-disk"]) { try load(disk) }
        var comment = good
        comment[comment.count - 2] = 5  // comment length reaching past the end
        expectError(["not a ZIP archive"]) { try load(comment) }
    }
}
