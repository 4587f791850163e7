import Foundation
import Preprocessing
import Tensors
import Testing

/// vitkit's pixel tensors against `ViTImageProcessor` outputs saved by `samples/generate.py`.
@Suite struct ReferencePixelsTests {
    static let atol: Float = 1e-6

    @Test(arguments: Fixtures.sampleImages)
    func pixelsAt64MatchTransformers(name: String) throws {
        let reference = try NPYArray(path: Fixtures.pixels + "/\(name).npy")
        #expect(reference.shape == [3, 64, 64])
        let tensor = try ImagePreprocessor(size: 64).pixelValues(path: Fixtures.images + "/" + name)
        #expect(tensor.dtype == .f32 && tensor.shape == [3, 64, 64])
        let diff = maxAbsDiff(try tensor.floats(), reference.values)
        print("pixels64 \(name): max abs diff \(diff)")
        #expect(diff <= Self.atol, "\(name): max abs diff \(diff)")
    }

    @Test func everySampleHasAReference() {
        #expect(Fixtures.sampleImages.count >= 7, "samples/images is missing or incomplete")
        #expect(Fixtures.pixels224.count >= 2)
        for name in Fixtures.sampleImages {
            #expect(FileManager.default.fileExists(atPath: Fixtures.pixels + "/\(name).npy"), "\(name)")
        }
    }

    @Test(arguments: Fixtures.pixels224)
    func pixelsAt224MatchTransformers(name: String) throws {
        let reference = try NPYArray(path: Fixtures.pixels + "/224/\(name).npy")
        #expect(reference.shape == [3, 224, 224])
        let values = try ImagePreprocessor(size: 224).pixelValues(path: Fixtures.images + "/" + name).floats()
        let diff = maxAbsDiff(values, reference.values)
        print("pixels224 \(name): max abs diff \(diff)")
        #expect(diff <= Self.atol, "\(name): max abs diff \(diff)")
    }
}
