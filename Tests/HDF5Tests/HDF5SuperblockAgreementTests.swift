import CHDF5
import Foundation
import Testing
import Tensors
@testable import HDF5

/// The superblock's recorded base address and end of file, patched into two h5py-written files,
/// judged by vitkit's structural pre-check (`HDF5RootCheck`) and by libhdf5's own `H5Fopen`:
/// the two must agree, file by file.
///
/// libhdf5 (`H5F__super_read`, 1.10 and 1.14) takes the superblock's offset as the base address
/// whatever base it records, moves the recorded end of file (an absolute offset) by the
/// difference modulo 2^64, and refuses the file as truncated when the file is shorter than that;
/// an all-ones address decodes as HADDR_UNDEF (2^64 - 1) and takes part in the same arithmetic.
@Suite("HDF5 superblock base address and end of file, as libhdf5 takes them")
struct HDF5SuperblockAgreementTests {
    /// A patch of one fixture: the base address and end of file to record (nil keeps the
    /// written value; the sizes are the fixture's), and whether libhdf5 1.10.8 opens the result.
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var fixture: String
        var base: UInt64?
        var eof: (@Sendable (_ size: UInt64) -> UInt64)?
        var opens: Bool
        var description: String { name }
    }

    /// h5/userblock.h5: h5py `userblock_size=512`, superblock v0 at 512 recording base 512 and
    /// end of file 2584 (the file's size); h5/userblock-offsets4.h5: the same with 4-byte
    /// offsets; h5/generic.h5: h5py's default, superblock v0 at 0.
    static let userblock = "h5/userblock.h5", offsets4 = "h5/userblock-offsets4.h5", generic = "h5/generic.h5"
    /// All ones, written at the file's size of offsets: the undefined address.
    static let undefined = UInt64.max
    static let cases: [Case] = [
        Case(name: "user block, as h5py wrote it", fixture: userblock, base: nil, eof: nil, opens: true),
        Case(name: "user block, base 0 (the end of file moves 512 past the file)", fixture: userblock, base: 0, eof: nil, opens: false),
        Case(name: "user block, base 0, end of file 512 less", fixture: userblock, base: 0, eof: { $0 - 512 }, opens: true),
        Case(name: "user block, base 1024 (the end of file moves 512 back)", fixture: userblock, base: 1024, eof: nil, opens: true),
        Case(name: "user block, base 1024, end of file 512 past the file", fixture: userblock, base: 1024, eof: { $0 + 512 }, opens: true),
        Case(name: "user block, end of file 1 past the file", fixture: userblock, base: nil, eof: { $0 + 1 }, opens: false),
        Case(name: "user block, end of file undefined", fixture: userblock, base: nil, eof: { _ in undefined }, opens: false),
        Case(name: "user block, base undefined", fixture: userblock, base: undefined, eof: nil, opens: false),
        Case(name: "4-byte offsets, as h5py wrote them", fixture: offsets4, base: nil, eof: nil, opens: true),
        Case(name: "4-byte offsets, end of file undefined", fixture: offsets4, base: nil, eof: { _ in undefined }, opens: false),
        Case(name: "4-byte offsets, base undefined", fixture: offsets4, base: undefined, eof: nil, opens: false),
        // 2^64 - 1, not 2^32 - 1: the end of file moves back 513 + 512 and lands on the file's end.
        Case(name: "4-byte offsets, base undefined, end of file 513 less", fixture: offsets4, base: undefined, eof: { $0 - 513 }, opens: true),
        Case(name: "4-byte offsets, base 0xFFFF0000", fixture: offsets4, base: 0xFFFF_0000, eof: nil, opens: false),
        Case(name: "no user block, as h5py wrote it", fixture: generic, base: nil, eof: nil, opens: true),
        Case(name: "no user block, end of file 1 past the file", fixture: generic, base: nil, eof: { $0 + 1 }, opens: false),
        Case(name: "no user block, base 4", fixture: generic, base: 4, eof: nil, opens: true),
        Case(name: "no user block, base 2^63 (the end of file wraps past the file)", fixture: generic, base: 1 << 63, eof: nil, opens: false),
        Case(name: "no user block, base 2^63, end of file 2^63 further", fixture: generic, base: 1 << 63, eof: { $0 + (1 << 63) }, opens: true),
        Case(name: "no user block, base undefined, end of file 1 less (wraps to the file's end)", fixture: generic, base: undefined, eof: { $0 - 1 }, opens: true),
        Case(name: "no user block, end of file undefined", fixture: generic, base: nil, eof: { _ in undefined }, opens: false),
    ]

    /// `fixture` with `base` and `eof` written into its v0 superblock (base address at byte 24
    /// after the superblock's offset, end of file two addresses further, each of the file's size
    /// of offsets, little-endian).
    static func patched(_ c: Case) throws -> [UInt8] {
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(c.fixture))))
        let at = c.fixture == generic ? 0 : 512
        let width = Int(bytes[at + 13])
        #expect(bytes[at..<(at + 8)].elementsEqual(HDF5Superblock.signature) && bytes[at + 8] == 0)
        #expect(width == (c.fixture == offsets4 ? 4 : 8))
        func put(_ value: UInt64, _ offset: Int) {
            bytes.replaceSubrange((at + offset)..<(at + offset + width), with: (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) })
        }
        if let base = c.base { put(base, 24) }
        if let eof = c.eof { put(eof(UInt64(bytes.count)), 24 + 2 * width) }
        return bytes
    }

    /// libhdf5's verdict on `path`: nil when `H5Fopen` opens it, else its error text.
    static func libhdf5Refusal(_ path: String) throws -> String? {
        try HDF5Library.prepare()
        let file = H5Fopen(path, chdf5_f_acc_rdonly(), chdf5_p_default())
        guard file >= 0 else { return HDF5Library.takeErrorText() }
        H5Fclose(file)
        return nil
    }

    @Test(arguments: [userblock, offsets4])
    func theUserBlockFixturesRecordTheirBaseAndAnAbsoluteEndOfFile(_ fixture: String) throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(fixture))))
        let width = Int(bytes[512 + 13])
        func address(_ at: Int) -> UInt64 { (0..<width).reduce(0) { $0 | UInt64(bytes[512 + at + $1]) << (8 * $1) } }
        #expect(address(24) == 512 && address(24 + 2 * width) == UInt64(bytes.count))
        let superblock = try HDF5Superblock.read(try HDF5RawFile(path: Fixtures.path(fixture)))
        #expect(superblock.location == 512 && superblock.baseAddress == 512 && superblock.sizeOfOffsets == width)
        #expect(superblock.endOfFile == UInt64(bytes.count))
    }

    @Test(arguments: cases)
    func vitkitAcceptsWhatLibhdf5OpensAndRefusesWhatItRefuses(_ c: Case) throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write(try Self.patched(c), to: "patched.h5")
        let refusal = try Self.libhdf5Refusal(path)
        #expect((refusal == nil) == c.opens, "libhdf5 1.10.8: \(refusal ?? "opened")")
        do {
            _ = try HDF5RootCheck(path: path)
            #expect(refusal == nil, "vitkit accepted what libhdf5 refused: \(refusal ?? "")")
        } catch {
            #expect(refusal != nil, "vitkit refused what libhdf5 opens: \(error)")
            #expect(refusal?.contains("truncated file") == true && error.description.contains("truncated file"), "\(error)")
            #expect(error.description.hasPrefix(path + ": ") && !error.description.contains("\n"))
        }
        guard c.opens else { return }
        let size = UInt64(try dir.read("patched.h5").count)
        if try HDF5Superblock.read(try HDF5RawFile(path: path)).endOfFile < size {
            // The end of file moved back into the file: libhdf5 reads nothing past it, and says so.
            do {
                let file = try HDF5File(path: path)
                for info in file.tensors { _ = try file.tensor(named: info.name) }
                Issue.record("every dataset read, past libhdf5's end of file")
            } catch {
                #expect("\(error)".hasPrefix(path + ": ") && "\(error)".contains("addr overflow"), "\(error)")
            }
            return
        }
        // Nothing moved out of reach: the file reads as h5py wrote it.
        let file = try HDF5File(path: path)
        if c.fixture != Self.generic {
            let w = try file.tensor(named: "w")
            let values = try w.floats()
            #expect(w.shape == [2, 3] && values == [0, 1, 2, 3, 4, 5])
        } else {
            let original = try HDF5File(path: Fixtures.path(Self.generic))
            #expect(file.tensors.map(\.name) == original.tensors.map(\.name))
            #expect(try file.tensor(named: "group_a/f32").elementCount == 12)
        }
    }
}
