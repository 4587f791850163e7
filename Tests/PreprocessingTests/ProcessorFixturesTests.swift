import Foundation
import NumPy
import Preprocessing
import Tensors
import Testing

/// vitkit's pixel tensors against those transformers' ViT, DeiT and BiT image processors
/// (slow and fast) wrote for `samples/processors` (`samples/generate_processors.py`):
/// every float32 value must have the same bits.
@Suite struct ProcessorFixturesTests {
    static let root = Fixtures.root + "/samples/processors"

    /// One entry of `processors.json`.
    struct Case: Sendable, CustomStringConvertible {
        let entry: JSON
        func field(_ key: String) -> String { entry[key]?.stringValue ?? "" }
        var name: String { field("name") }
        var config: String { root + "/" + field("config") }
        var className: String { field("class") }
        var processor: ImageProcessorKind? { ImageProcessorKind(rawValue: field("processor")) }
        var pixels: String { root + "/" + field("pixels") }
        var images: [String] { entry["images"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        var description: String { name }
    }

    static let cases: [Case] = {
        let path = root + "/processors.json"
        guard let data = FileManager.default.contents(atPath: path), let json = try? JSON.parse(Array(data)),
            let entries = json["cases"]?.arrayValue, !entries.isEmpty
        else { fatalError("cannot read \(path): run samples/generate.py processors") }
        return entries.map(Case.init(entry:))
    }()

    static func imagePath(_ name: String) -> String {
        let extra = root + "/images/" + name
        return FileManager.default.fileExists(atPath: extra) ? extra : Fixtures.images + "/" + name
    }

    /// The reference tensor: `table[c][index[c, y, x]]` (lossless, see the generator).
    static func reference(_ npz: NPZFile, image: String) throws -> (shape: [Int], values: [Float]) {
        let index = try npz.tensor(named: image + ".index")
        let table = try npz.tensor(named: image + ".table").floats()
        #expect(index.dtype == .u8 && index.shape.count == 3 && index.shape[0] == 3)
        let plane = index.shape[1] * index.shape[2]
        let values = try index.floats().enumerated().map { i, k in table[(i / plane) * 256 + Int(k)] }
        return (index.shape, values)
    }

    @Test(arguments: cases)
    func pixelsEqualTheProcessorBitForBit(_ c: Case) throws {
        let config = try JSON.parse(Array(try Data(contentsOf: URL(fileURLWithPath: c.config))))
        // The config alone picks the implementation for the Fast classes' own configs; the
        // slow classes' configs are replayed with the fast path as `--processor fast` would.
        let kind = try #require(c.processor, "\(c.name): processor")
        #expect(!c.images.isEmpty)
        let preprocessor = try ImagePreprocessor(preprocessorConfig: config, processor: kind, source: c.config)
        #expect(preprocessor.processor == kind)
        let npz = try NPZFile(path: c.pixels)
        for image in c.images {
            let expected = try Self.reference(npz, image: image)
            let tensor = try preprocessor.pixelValues(path: Self.imagePath(image))
            #expect(tensor.shape == expected.shape, "\(c.name) \(image)")
            let ours = try tensor.floats()
            guard ours.count == expected.values.count else { continue }
            var differing = 0
            var largest: Float = 0
            for (a, b) in zip(ours, expected.values) where a.bitPattern != b.bitPattern {
                differing += 1
                largest = max(largest, abs(a - b))
            }
            print("\(c.name) \(image): \(differing) of \(ours.count) values differ, max abs diff \(largest)")
            #expect(differing == 0, "\(c.name) \(image): \(differing) values differ (max abs diff \(largest))")
        }
    }

    @Test func fixturesCoverEveryClassBothWays() {
        let classes = Set(Self.cases.map(\.className))
        for family in ["ViT", "DeiT", "Bit"] {
            #expect(classes.contains(family + "ImageProcessor") && classes.contains(family + "ImageProcessorFast"))
        }
    }
}
