import Testing
import Tensors
@testable import HDF5

/// Links, external/virtual storage and size lies: refused with a clear error each.
@Suite("HDF5 safety")
struct HDF5SafetyTests {
    let dir: TemporaryDirectory
    init() throws { dir = try TemporaryDirectory() }

    func smallFile(_ name: String, _ extra: (HDF5Writer) throws -> Void = { _ in }) throws -> String {
        let path = dir.file(name)
        let writer = try HDF5Writer(creating: path)
        try writer.writeDataset("/a/x", Tensor(floats: [1, 2, 3], shape: [3]))
        try extra(writer)
        try writer.close()
        return path
    }

    func unsupportedReason(_ body: () throws -> Void) -> String? {
        guard case .unsupported(_, let reason)? = expectError(body) else { return nil }
        return reason
    }

    @Test func softLinksAreRefused() throws {
        let path = try smallFile("soft.h5") { try $0.createSoftLink("/a/alias", to: "/a/x") }
        let reason = try #require(unsupportedReason { _ = try HDF5File(path: path) })
        #expect(reason.contains("'/a/alias'") && reason.contains("soft link"))
    }

    @Test func externalLinksAreRefused() throws {
        let other = try smallFile("other.h5")
        let path = try smallFile("external.h5") { try $0.createExternalLink("/a/ext", file: other, target: "/a/x") }
        let reason = try #require(unsupportedReason { _ = try HDF5File(path: path) })
        #expect(reason.contains("'/a/ext'") && reason.contains("external link"))
    }

    @Test func kerasPathsThroughLinksAreRefused() throws {
        let other = try smallFile("other.h5")
        let path = try smallFile("keras-ext.h5") { w in
            try w.writeStrings(on: "/", "layer_names", ["vit"])
            try w.createGroup("/vit")
            try w.writeStrings(on: "/vit", "weight_names", ["m/w:0"])
            try w.createExternalLink("/vit/m", file: other, target: "/a")
        }
        let reason = try #require(unsupportedReason { _ = try KerasWeightsFile(path: path) })
        #expect(reason.contains("'/vit/m'") && reason.contains("external link"), "\(reason)")
    }

    @Test func aliasesAndCyclesAreRefused() throws {
        let alias = try smallFile("alias.h5")
        HDF5TestFiles.addHardLink(alias, target: "/a/x", alias: "/a/y")
        let error = expectError { _ = try HDF5File(path: alias) }
        #expect(error?.description.contains("second hard link") == true, "\(String(describing: error))")
        let cycle = try smallFile("cycle.h5")
        HDF5TestFiles.addHardLink(cycle, target: "/a", alias: "/a/loop")
        let cycleError = expectError { _ = try HDF5File(path: cycle) }
        #expect(cycleError?.description.contains("'/a/loop'") == true, "\(String(describing: cycleError))")
    }

    @Test func externalStorageIsRefused() throws {
        let path = dir.file("external-storage.h5")
        _ = try dir.write([UInt8](repeating: 0, count: 64), to: "raw.bin")
        try HDF5TestFiles.externalStorage(path, rawFile: "raw.bin")
        let reason = try #require(unsupportedReason { _ = try HDF5File(path: path) })
        #expect(reason.contains("'/data'") && reason.contains("external file 'raw.bin'"), "\(reason)")
    }

    @Test func virtualDatasetsAreRefused() throws {
        let source = try smallFile("source.h5")
        let path = dir.file("virtual.h5")
        try HDF5TestFiles.virtualDataset(path, source: source)
        let reason = try #require(unsupportedReason { _ = try HDF5File(path: path) })
        #expect(reason.contains("'/virtual'") && reason.contains("virtual dataset"), "\(reason)")
    }

    /// Data never written is not in the file: listed, read as the fill value up to
    /// `HDF5Safety.maxFillBytes`, refused beyond it; over the per-dataset limit, listed as skipped.
    @Test(arguments: [
        ([UInt64(1) << 28], true, "fill value vitkit reads per dataset; refused"),  // 1 GiB declared, deflated
        ([UInt64(1) << 28], false, "fill value vitkit reads per dataset; refused"),  // 1 GiB, unfiltered
    ])
    func unwrittenDataIsListedAndItsReadBounded(_ dims: [UInt64], _ deflate: Bool, _ phrase: String) throws {
        let path = dir.file("huge.h5")
        try HDF5TestFiles.hugeDeclared(path, dims: dims, chunk: 1024, deflate: deflate)
        let file = try HDF5File(path: path)
        #expect(file.info(named: "huge")?.shape == dims.map { Int($0) })
        let error = expectError { _ = try file.tensor(named: "huge") }
        guard case .invalidTensor(let f, let tensor, let reason)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(f == path && tensor == "/huge" && reason.contains(phrase), "\(reason)")
    }

    @Test func unwrittenDataWithinTheFillLimitReadsAsTheFillValue() throws {
        let path = dir.file("fill.h5")
        try HDF5TestFiles.hugeDeclared(path, dims: [1 << 12, 1 << 10], chunk: 1024, deflate: true)  // 16 MiB
        let file = try HDF5File(path: path)
        #expect(try values(file.tensor(named: "huge")).allSatisfy { $0 == 0 })
    }

    @Test func overThePerDatasetLimitTheDatasetIsSkippedNotTheFile() throws {
        let path = dir.file("huge.h5")
        try HDF5TestFiles.hugeDeclared(path, dims: [1 << 40, 1 << 20], chunk: 1024, deflate: true)  // 4 PiB
        let file = try HDF5File(path: path)
        #expect(file.tensors.isEmpty && file.skipped.map(\.name) == ["huge"])
        #expect(file.skipped.first?.reason.contains("declares more than the per-dataset limit") == true)
    }

    @Test func modestCompressionIsAccepted() throws {
        let path = dir.file("zeros.h5")
        let writer = try HDF5Writer(creating: path)
        try writer.writeDataset("/zeros", Tensor(floats: [Float](repeating: 0, count: 1 << 16), shape: [256, 256]), chunks: [64, 64], deflateLevel: 9)
        try writer.close()
        let file = try HDF5File(path: path)
        #expect(try values(file.tensor(named: "zeros")).allSatisfy { $0 == 0 })
    }

    @Test func modelConfigIsNeverRead() throws {
        let path = try smallFile("config.h5") { w in
            try w.writeStrings(on: "/", "model_config", [#"{"class_name": "Evil"}"#], scalar: true)
            try w.writeStrings(on: "/", "note", ["kept"], scalar: true)
        }
        let file = try HDF5File(path: path)
        #expect(file.metadata.map(\.key) == ["note"])
    }
}
