import Foundation
import TestScratch
import Testing

/// The committed HDF5 fuzz inputs through the real binary: one clear error line, exit status 1.
@Suite("HDF5 fuzz findings through the CLI")
struct HDF5FindingCLITests {
    /// The input that made libhdf5 1.10 free an uninitialised attribute table.
    @Test func aBadRootAttributeMessageIsOneClearLine() throws {
        let path = CLI.root.appendingPathComponent("Fuzz/findings/hdf5-attr-release-uninit.h5").path
        for command in [["inspect", path], ["predict", path, CLI.sample("images/chelsea.png")]] {
            let r = try CLI.run(command)
            #expect(r.status == 1, "\(command[0]): \(r.stderr)")
            #expect(r.stderr == "Error: \(path): unreadable HDF5 metadata (damaged, or newer than libhdf5 1.10 reads): root group's object header (offset 96): attribute message at offset 1016: version 7, expected 1, 2 or 3\n", "\(r.stderr)")
        }
    }

    /// The input whose damaged global heap made libhdf5 1.10 copy a string from NULL (SIGSEGV).
    @Test func aDamagedGlobalHeapIsOneClearLine() throws {
        let path = CLI.root.appendingPathComponent("Fuzz/findings/hdf5-global-heap-missing-object.h5").path
        for command in [["inspect", path], ["inspect", path, "--json"]] {
            let r = try CLI.run(command)
            #expect(r.status == 1, "\(command): \(r.stderr)")
            #expect(r.stdout.isEmpty, "\(r.stdout)")
            #expect(r.stderr == "Error: \(path): attribute 'name00' of '/' cannot be read safely: attribute message at heap offset 22 in dense storage (the fractal heap at address 638): its variable-length string points to the global heap collection at offset 2048: global heap object 12 at offset 2328 declares 4255923384637986475 bytes, past the end of its collection (3800 bytes left)\n", "\(r.stderr)")
        }
    }

    /// The input whose root local heap free list loops: libhdf5 1.10 allocated ~24 GB (OOM kill).
    @Test func aLoopingRootLocalHeapIsOneQuickClearLine() throws {
        let path = CLI.root.appendingPathComponent("Fuzz/findings/hdf5-group-unbounded-alloc.h5").path
        let start = Date()
        let r = try CLI.run(["inspect", path])
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stdout.isEmpty, "\(r.stdout)")
        #expect(r.stderr == "Error: \(path): unreadable HDF5 metadata (damaged, or newer than libhdf5 1.10 reads): root group's link storage (object header at offset 96): symbol table message at offset 800: the local heap at offset 680 has a free list that loops (block 48 comes back)\n", "\(r.stderr)")
    }
    /// The input whose superblock records base address 4: libhdf5 ignores it, vitkit's checks
    /// did not, and `vitkit inspect` died with SIGSEGV in libhdf5's local heap read.
    @Test func aMisplacedBaseAddressIsOneClearLine() throws {
        let path = CLI.root.appendingPathComponent("Fuzz/findings/hdf5-stab-iterate-null-read.h5").path
        for command in [["inspect", path], ["convert", path, TestScratch.root.path + "/vitkit-never-written.safetensors", "--to", "native"]] {
            let r = try CLI.run(command)
            #expect(r.status == 1, "\(command[0]): \(r.stderr)")
            #expect(r.stdout.isEmpty, "\(r.stdout)")
            #expect(r.stderr == "Error: \(path): unreadable HDF5 metadata (damaged, or newer than libhdf5 1.10 reads): root group's link storage (object header at offset 96): symbol table message at offset 800: the local heap at offset 680 declares a 176-byte data segment at 18446744073709551615, outside the file or over 16777216 bytes\n", "\(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: TestScratch.root.path + "/vitkit-never-written.safetensors"))
    }
}
