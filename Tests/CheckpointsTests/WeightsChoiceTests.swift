import Foundation
import Testing
import Tensors
@testable import Checkpoints

/// Which weights file of a directory `Checkpoint.open` reads, and what it says it left.
@Suite("weights file choice")
struct WeightsChoiceTests {
    /// A temp directory holding copies of samples under new names.
    static func directory(_ files: [(sample: String, name: String)]) throws -> String {
        let dir = try Samples.tempDir()
        for f in files {
            try FileManager.default.copyItem(atPath: Samples.path(f.sample), toPath: dir.appendingPathComponent(f.name).path)
        }
        return dir.path
    }

    static let both = [("models/hf-classifier/model.safetensors", "model.safetensors"),
                       ("models/tf-classifier/tf_model.h5", "tf_model.h5")]

    @Test func safetensorsFirstWithTheOtherListed() throws {
        let dir = try Self.directory(Self.both)
        let c = try Checkpoint.open(dir)
        #expect(c.weightsPath == dir + "/model.safetensors")
        #expect(c.otherWeights == [dir + "/tf_model.h5"])
        #expect(c.source.format == "safetensors")
    }

    @Test(arguments: [(ContainerFormat.h5, "tf_model.h5", "keras-h5"), (.safetensors, "model.safetensors", "safetensors")])
    func aFormatPicksItsFile(format: ContainerFormat, file: String, sourceFormat: String) throws {
        let dir = try Self.directory(Self.both)
        let c = try Checkpoint.open(dir, options: .init(format: format))
        #expect(c.weightsPath == dir + "/" + file)
        #expect(c.otherWeights.count == 1 && !c.otherWeights.contains(c.weightsPath))
        #expect(c.source.format == sourceFormat)
    }

    @Test func aFileMustBeTheFormatAskedFor() throws {
        let path = Samples.path("models/tf-classifier/tf_model.h5")
        #expect(try Checkpoint.open(path, options: .init(format: .h5)).weightsPath == path)
        #expect(try Checkpoint.open(path).otherWeights.isEmpty)
        #expect { try Checkpoint.open(path, options: .init(format: .npz)) } throws: {
            "\($0)" == "\(path): holds h5, not the npz asked for"
        }
    }

    @Test func otherWeightFilesBesideTheStandardNamesAreListedAndSelectable() throws {
        let dir = try Self.directory([("models/hf-classifier/model.safetensors", "model.safetensors"),
                                      ("models/jax/classifier.npz", "classifier.npz"),
                                      ("models/jax/in21k.npz", "in21k.npz")])
        let c = try Checkpoint.open(dir)
        #expect(c.weightsPath == dir + "/model.safetensors")
        #expect(c.otherWeights == [dir + "/classifier.npz", dir + "/in21k.npz"])
        #expect { try Checkpoint.open(dir, options: .init(format: .npz)) } throws: {
            "\($0)" == "\(dir): directory holds several weight files (classifier.npz, in21k.npz); give the file's path"
        }
    }

    @Test func withoutStandardNamesTheOnlyFileOfTheFormatIsRead() throws {
        let dir = try Self.directory([("models/jax/classifier.npz", "weights.npz"),
                                      ("models/timm/classifier.safetensors", "timm.safetensors")])
        #expect { try Checkpoint.open(dir) } throws: { "\($0)".contains("several weight files") }
        let c = try Checkpoint.open(dir, options: .init(format: .npz))
        #expect(c.weightsPath == dir + "/weights.npz")
        #expect(c.otherWeights == [dir + "/timm.safetensors"])
    }

    @Test(arguments: [
        ("model-00001-of-00003.safetensors", true), ("tf_model-00002-of-00002.h5", true),
        ("model.safetensors", false), ("model-00001-of-00003.npz", false), ("a-1-of-.safetensors", false),
        ("model-x-of-00003.safetensors", false), ("-00001-of-00003.h5", true),
    ])
    func shardsAreRecognisedByName(name: String, shard: Bool) {
        #expect(WeightsChoice.isShard(name) == shard)
    }
}
