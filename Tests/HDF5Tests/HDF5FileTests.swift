import Testing
import Tensors
@testable import HDF5

@Suite("HDF5File on generic.h5")
struct HDF5FileTests {
    let file: HDF5File
    let expected: JSON

    init() throws {
        file = try HDF5File(path: Fixtures.path("h5/generic.h5"))
        expected = try Fixtures.h5Entry("h5/generic.h5")
    }

    var expectedDatasets: [JSON] { expected["datasets"]?.arrayValue ?? [] }

    @Test func listsEveryNumericDatasetInWalkOrder() throws {
        let numeric = expectedDatasets.filter { $0["refuse"]?.boolValue == false }
        #expect(file.format == "hdf5")
        #expect(file.tensors.map(\.name) == numeric.compactMap { $0["path"]?.stringValue.map { String($0.dropFirst()) } })
        for (info, want) in zip(file.tensors, numeric) {
            // The memory layout is always little-endian: ">i4" in the file reads as "<i4".
            let dtype = want["dtype"]!.stringValue!.replacingOccurrences(of: ">", with: "<")
            #expect(numpyDType(info.dtype) == dtype, "\(info.name)")
            #expect(info.shape == want["shape"]?.arrayValue?.compactMap(\.intValue), "\(info.name)")
        }
    }

    @Test func readsEveryValueExactly() throws {
        for want in expectedDatasets where want["refuse"]?.boolValue == false {
            let name = String(want["path"]!.stringValue!.dropFirst())
            let tensor = try file.tensor(named: name)
            let info = try #require(file.info(named: name))
            #expect(tensor.dtype == info.dtype && tensor.shape == info.shape)
            #expect(tensor.data.count == info.byteCount, "buffer of exactly the declared size")
            let wanted = want["values"]?.arrayValue ?? []
            if tensor.dtype == .i64 {
                #expect(int64s(tensor) == wanted.compactMap { $0.intValue.map(Int64.init) }, "\(name)")
            } else {
                #expect(values(tensor) == wanted.compactMap(\.doubleValue), "\(name)")
            }
        }
    }

    @Test func refusesStringDatasetsClearly() throws {
        let refused = expectedDatasets.filter { $0["refuse"]?.boolValue == true }.compactMap { $0["path"]?.stringValue }
        #expect(refused.sorted() == ["/fixed_strings", "/strings"])
        #expect(file.refusedDatasets.map(\.name).sorted() == ["fixed_strings", "strings"])
        for name in ["strings", "fixed_strings"] {
            let error = expectError { _ = try file.tensor(named: name) }
            guard case .unsupportedDType(let f, let t, let d) = error else {
                Issue.record("expected unsupportedDType, got \(String(describing: error))")
                continue
            }
            #expect(f.hasSuffix("generic.h5") && t == "/\(name)" && d.contains("string"))
        }
        #expect(file.refusedDatasets.first { $0.name == "strings" }?.reason.contains("variable-length string") == true)
    }

    @Test func unknownNamesAreReported() {
        let error = expectError { _ = try file.tensor(named: "group_a") }
        #expect(error == .unknownTensor(file: Fixtures.path("h5/generic.h5"), tensor: "group_a"))
    }

    @Test func rootStringAttributesAreMetadata() {
        let meta = Dictionary(file.metadata.map { ($0.key, $0.value) }) { a, _ in a }
        #expect(meta["title"] == "vitkit generic fixture")
        #expect(meta["fixed_title"] == "fixed-length")
        #expect(meta["version"] == nil && meta["scales"] == nil, "only string attributes")
    }

    @Test func listsGroups() {
        let groups = expected["groups"]?.arrayValue?.compactMap { $0["path"]?.stringValue } ?? []
        #expect(file.groups == ["/"] + groups)
    }

    @Test func readsConcurrently() async throws {
        let file = self.file
        let names = file.tensors.map(\.name)
        func sum() throws -> Double {
            try names.reduce(0.0) { total, name in total + (try values(file.tensor(named: name))).filter(\.isFinite).reduce(0, +) }
        }
        let reference = try sum()
        #expect(reference.isFinite && reference != 0)
        let sums = try await withThrowingTaskGroup(of: Double.self) { group in
            for _ in 0..<8 { group.addTask { try sum() } }
            return try await group.reduce(into: [Double]()) { $0.append($1) }
        }
        #expect(sums.count == 8 && sums.allSatisfy { $0.bitPattern == reference.bitPattern })
    }
}
