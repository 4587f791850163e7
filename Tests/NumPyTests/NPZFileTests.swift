import Foundation
import Testing
import Tensors

@testable import NumPy

@Suite struct NPZFileTests {
    static let floats: [Float] = (0..<12).map { Float($0) * 0.5 - 1 }
    static let a = NPYBytes.make(NPYBytes.dict("<f4", "(3, 4)"), data: NPYBytes.bytes(floats))
    static let b = NPYBytes.make(NPYBytes.dict("<i8", "()"), data: NPYBytes.bytes([Int64(42)]))

    func open(_ builder: ZipBuilder, bf16: Bool = false) throws -> (NPZFile, TempDir) {
        let dir = try TempDir()
        let path = try dir.write("x.npz", try builder.build())
        return (try NPZFile(path: path, bf16FromV2: bf16), dir)
    }

    @Test func storedMembersAreMappedViews() throws {
        let (npz, dir) = try open(ZipBuilder([ZipMember("a.npy", Self.a), ZipMember("enc/b.npy", Self.b)]))
        defer { dir.cleanup() }
        #expect(npz.format == "npz")
        #expect(npz.tensors.map(\.name) == ["a", "enc/b"])
        #expect(npz.tensors[0].shape == [3, 4] && npz.tensors[1].shape == [])
        let a = try npz.tensor(named: "a")
        #expect(try a.data.isMapped && a.floats() == Self.floats)
        let b = try npz.tensor(named: "enc/b")
        #expect(b.dtype == .i64 && bytesOf(b) == NPYBytes.bytes([Int64(42)]))
        expectError(["no tensor named 'a.npy'"]) { _ = try npz.tensor(named: "a.npy") }
    }

    @Test func deflatedMembersAreInflated() throws {
        let (npz, dir) = try open(
            ZipBuilder([ZipMember("a.npy", Self.a, deflate: true), ZipMember("b.npy", Self.b, deflate: true)]))
        defer { dir.cleanup() }
        #expect(npz.tensors.map(\.shape) == [[3, 4], []])
        let a = try npz.tensor(named: "a")
        #expect(try !a.data.isMapped && a.floats() == Self.floats)
        #expect(bytesOf(try npz.tensor(named: "b")) == NPYBytes.bytes([Int64(42)]))
    }

    @Test func layoutVariants() throws {
        var plain = ZipMember("a.npy", Self.a)
        plain.zip64Local = false
        var central64 = ZipMember("b.npy", Self.b, deflate: true)
        central64.zip64Central = true
        var described = ZipMember("c.npy", Self.a, deflate: true)
        described.descriptor = true
        var described32 = ZipMember("d.npy", Self.a)
        described32.descriptor = true
        described32.zip64Local = false
        var builder = ZipBuilder([plain, central64, described, described32])
        builder.zip64End = true
        builder.comment = Array("a comment".utf8)
        let (npz, dir) = try open(builder)
        defer { dir.cleanup() }
        for name in ["a", "c", "d"] { #expect(try npz.tensor(named: name).floats() == Self.floats) }
        #expect(bytesOf(try npz.tensor(named: "b")) == NPYBytes.bytes([Int64(42)]))
    }

    @Test func bigEndianAndFortranMembers() throws {
        let be = NPYBytes.make(NPYBytes.dict(">i4", "(2,)"), data: [0, 0, 1, 0, 0xFF, 0xFF, 0xFF, 0xFE])
        let fo = NPYBytes.make(
            NPYBytes.dict("<f4", "(2, 2)", fortran: true), data: NPYBytes.bytes([Float(1), 3, 2, 4]))
        let (npz, dir) = try open(ZipBuilder([ZipMember("be.npy", be), ZipMember("fo.npy", fo, deflate: true)]))
        defer { dir.cleanup() }
        #expect(bytesOf(try npz.tensor(named: "be")) == NPYBytes.bytes([Int32(256), -2]))
        #expect(try npz.tensor(named: "fo").floats() == [1, 2, 3, 4])
    }

    @Test func bf16Member() throws {
        let v2 = NPYBytes.make(NPYBytes.dict("<V2", "(1,)"), data: [0x80, 0x3F])
        // Without bf16FromV2 the member is listed as skipped (with the hint), not read.
        let (plain, d0) = try open(ZipBuilder([ZipMember("w.npy", v2)]))
        defer { d0.cleanup() }
        #expect(plain.tensors.isEmpty && plain.skipped.map(\.name) == ["w"])
        #expect(plain.skipped.first.map { $0.reason.contains("<V2") && $0.reason.contains("bf16") } == true)
        let (npz, dir) = try open(ZipBuilder([ZipMember("w.npy", v2, deflate: true)]), bf16: true)
        defer { dir.cleanup() }
        #expect(try npz.tensor(named: "w").floats() == [1])
    }

    @Test func emptyArchiveAndDirectoryEntries() throws {
        let (empty, d1) = try open(ZipBuilder([]))
        defer { d1.cleanup() }
        #expect(empty.tensors.isEmpty)
        let (npz, d2) = try open(ZipBuilder([ZipMember("sub/", []), ZipMember("sub/a.npy", Self.a)]))
        defer { d2.cleanup() }
        #expect(npz.tensors.map(\.name) == ["sub/a"])
    }

    @Test func nonASCIINames() throws {
        var m = ZipMember("größe/α.npy", Self.b)
        m.flags = 0x800
        let (npz, dir) = try open(ZipBuilder([m]))
        defer { dir.cleanup() }
        #expect(npz.tensors.map(\.name) == ["größe/α"])
    }

    @Test func largeMemberAcrossManyDeflateBlocks() throws {
        let values = (0..<300_000).map { Float(sin(Double($0) * 0.001)) }
        let npy = NPYBytes.make(NPYBytes.dict("<f4", "(300000,)"), data: NPYBytes.bytes(values))
        let (npz, dir) = try open(ZipBuilder([ZipMember("s.npy", npy, deflate: true), ZipMember("t.npy", npy)]))
        defer { dir.cleanup() }
        #expect(try npz.tensor(named: "s").floats() == values)
        #expect(try npz.tensor(named: "t").floats() == values)
    }
}
