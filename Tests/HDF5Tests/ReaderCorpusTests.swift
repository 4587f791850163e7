import Testing
import Tensors
@testable import HDF5

/// HDF5 files h5py writes that vitkit lists rather than refuses (samples/generate_readers.py):
/// every dataset h5py's visititems finds is listed by vitkit, as a tensor of the same dtype,
/// shape and values (fill values where never written), or as skipped with a plain reason;
/// root string attributes of any rank read as h5py's `.tolist()`.
@Suite struct ReaderCorpusTests {
    static let listing: [JSON] = (try? Fixtures.json("readers/listing.json"))?["files"]?.arrayValue ?? []

    /// What each skipped dataset's reason must say (vitkit's policy, see HDF5File).
    static let reasons: [String: String] = [
        "readers/empty.h5 null": "null dataspace (h5py.Empty)",
        "readers/unwritten.h5 huge": "per-dataset limit",
        "readers/latest.h5 bool": "which libhdf5 1.10 cannot decode",
        "readers/latest.h5 enum": "which libhdf5 1.10 cannot decode",
        "readers/latest.h5 complex": "which libhdf5 1.10 cannot decode",
        "readers/latest-dense.h5 x": "which libhdf5 1.10 cannot decode",
        "readers/latest-dense.h5 t": "named datatype (not a dataset): enum, stored as HDF5 datatype version 4",
        "readers/types.h5 enum": "unsupported dtype enum",
        "readers/types.h5 complex64": "unsupported dtype complex (h5py's compound of r, i; 8 bytes)",
        "readers/types.h5 complex128": "unsupported dtype complex (h5py's compound of r, i; 16 bytes)",
    ]

    @Test func theListingCoversEveryFile() {
        #expect(Self.listing.compactMap { $0["file"]?.stringValue }
            == ["readers/empty.h5", "readers/string-attrs.h5", "readers/unwritten.h5", "readers/latest.h5",
                "readers/latest-dense.h5", "readers/types.h5"])
    }

    @Test(arguments: listing)
    func vitkitListsWhatH5pyLists(_ entry: JSON) throws {
        let file = try #require(entry["file"]?.stringValue)
        let h5 = try HDF5File(path: Fixtures.path(file))
        let datasets = try #require(entry["datasets"]?.arrayValue)
        let tensors = datasets.filter { $0["vitkit"]?.stringValue == "tensor" }
        // Named datatypes libhdf5 1.10 cannot decode are skipped too (the walk never opens them).
        let named = (entry["named_datatypes"]?.arrayValue ?? []).compactMap(\.stringValue)
        let skipped = datasets.filter { $0["vitkit"]?.stringValue == "skipped" }.compactMap { $0["name"]?.stringValue } + named
        #expect(h5.tensors.map(\.name).sorted() == tensors.compactMap { $0["name"]?.stringValue }.sorted(), "\(file)")
        #expect(h5.refusedDatasets.map(\.name).sorted() == skipped.sorted(), "\(file)")
        for item in h5.refusedDatasets {
            let phrase = try #require(Self.reasons["\(file) \(item.name)"], "\(file) \(item.name)")
            #expect(item.reason.contains(phrase) && !item.reason.contains(file), "\(file) \(item.name): \(item.reason)")
            #expect(throws: CheckpointError.self) { try h5.tensor(named: item.name) }
        }
        for reference in tensors {
            let name = try #require(reference["name"]?.stringValue)
            let info = try #require(h5.info(named: name))
            #expect(info.dtype.rawValue == reference["dtype"]?.stringValue, "\(file) \(name)")
            #expect(info.shape == reference["shape"]?.arrayValue?.compactMap(\.intValue), "\(file) \(name)")
            #expect(info.byteCount == reference["nbytes"]?.intValue, "\(file) \(name)")
            if let refused = reference["read_refused"]?.stringValue {
                #expect(refused.contains("fill value"))
                #expect { try h5.tensor(named: name) } throws: { "\($0)".contains("fill value vitkit reads per dataset; refused") }
                continue
            }
            let recorded = reference["values"]?.arrayValue?.compactMap { $0.doubleValue }
            let want = try #require(recorded, "\(file) \(name)")
            #expect(try values(h5.tensor(named: name)) == want, "\(file) \(name)")
        }
    }

    @Test(arguments: listing)
    func stringAttributesOfAnyRankReadAsH5pyReadsThem(_ entry: JSON) throws {
        let file = try #require(entry["file"]?.stringValue)
        let h5 = try HDF5File(path: Fixtures.path(file))
        if file == "readers/latest-dense.h5" {
            // A bool among them: libhdf5 1.10 cannot list dense attributes, none is read, one entry says so.
            #expect(h5.metadata.isEmpty && h5.skipped.last?.name == "@*", "\(h5.skipped)")
            #expect(h5.skipped.last?.reason.contains("libhdf5 1.10 cannot decode") == true)
            return
        }
        let want = try #require(entry["string_attributes"]?.objectValue)
        #expect(h5.metadata.map(\.key) == want.map(\.0).sorted(), "\(file)")
        for (key, value) in h5.metadata {
            let reference = try #require(want.first { $0.0 == key }?.1)
            if case .string(let s) = reference {
                #expect(value == s, "\(file) \(key)")
            } else {
                #expect(try JSON.parse(Array(value.utf8)) == reference, "\(file) \(key): \(value)")
            }
        }
    }

    @Test func aRootAttributeLibhdf5CannotDecodeIsNamedNotFatal() throws {
        let h5 = try HDF5File(path: Fixtures.path("readers/latest.h5"))
        let flag = try #require(h5.skipped.first { $0.name == "@flag" })
        #expect(flag.reason.hasPrefix("root attribute of type enum, stored as HDF5 datatype version 4"))
        #expect(h5.metadata.isEmpty)
    }
}
