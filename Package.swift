// swift-tools-version:6.0
import PackageDescription

// Linux only (Glibc, /proc, renameat2, glibc mallopt): see the README.
let package = Package(
    name: "vitkit",
    products: [
        .executable(name: "vitkit", targets: ["vitkit"]),
        // Everything (`import VitKit`), or one job's library alone: a converter that never runs
        // the model takes `ViTConversion` and builds no BLAS, libpng or libjpeg code.
        .library(name: "VitKit", targets: ["VitKit"]),
        .library(name: "ViTConversion", targets: ["ViTConversion"]),
        .library(name: "ViTInference", targets: ["ViTInference"]),
        .library(name: "ViTVerification", targets: ["ViTVerification"]),
        .library(name: "ViTEvaluation", targets: ["ViTEvaluation"]),
        .library(name: "ViTEmbedding", targets: ["ViTEmbedding"]),
        .library(name: "Checkpoints", targets: ["Checkpoints"]),
        // A Milvus vector-database client and a milvus-lite launcher (issue 13); no ViT code.
        .library(name: "Milvus", targets: ["Milvus"]),
        .library(name: "ViTSearch", targets: ["ViTSearch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // The Milvus client: gRPC over plaintext HTTP/2 with protobuf messages.
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // C system libraries: a modulemap + shim header each, found through pkg-config.
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CDeflate", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // BLIS rather than OpenBLAS: Debian's OpenBLAS 0.3.21 falls back to its generic (Prescott)
        // kernels on these CPUs (20 GFLOP/s); BLIS 0.9 selects AVX-512 kernels (124 GFLOP/s). See docs/BENCHMARKS.md.
        .systemLibrary(name: "CBLIS", providers: [.apt(["libblis-dev"])]),
        // oneDNN (matmul primitives, packed weights, fused epilogues; bf16 on AMX/AVX512-BF16): the
        // default matrix backend, BLIS the alternative. Debian ships no .pc file for it.
        .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        // OpenSSL's libcrypto for SHA-256 (provenance of native conversions).
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // FreeType rasterizes the text of `evaluate --plot` (font: Debian's fonts-dejavu-core).
        .systemLibrary(name: "CFreeType", pkgConfig: "freetype2", providers: [.apt(["libfreetype-dev"])]),

        // Async-signal-safe handlers (temporary cleanup, mapped-file SIGBUS) and renameat2:
        // what Swift cannot express safely. A few dozen lines of C, no dependency. Not named
        // `CSystem`: swift-system (which swift-nio, under the Milvus client, needs) has a target
        // of that name, and target names must be unique across the package graph.
        .target(name: "CVitKitSystem"),
        // Tensor core: dtypes, shapes, storage (mapped or owned), half conversions, JSON, and
        // the file-system layer every writer and reader goes through. No C library.
        .target(name: "Tensors", dependencies: ["CVitKitSystem"]),
        // Containers, one target each.
        .target(name: "SafeTensors", dependencies: ["Tensors"]),
        .target(name: "NumPy", dependencies: ["Tensors", "CDeflate"]),
        // CDeflate: filtered chunks are checked (inflated by vitkit) before libhdf5 reads them.
        .target(name: "HDF5", dependencies: ["Tensors", "CHDF5", "CDeflate"]),
        // Opening any path (file, HF directory, shards) as one checkpoint; writing one.
        .target(name: "Checkpoints", dependencies: ["Tensors", "SafeTensors", "NumPy", "HDF5"]),
        // Image decoding and ViTImageProcessor-exact preprocessing (images -> pixel tensors).
        .target(name: "Preprocessing", dependencies: ["Tensors", "CPNG", "CJPEG"]),
        // The ViT model description: config, naming schemes, graph, mapping report.
        .target(name: "ViTModel", dependencies: ["Tensors", "Checkpoints"]),
        // Conversion between ecosystems: plans and streaming writers.
        .target(name: "ViTConversion", dependencies: ["ViTModel", "Checkpoints", "Tensors", "CCrypto"]),
        // The forward pass (BLAS kernels) and the image -> outputs pipeline.
        .target(name: "ViTInference", dependencies: ["ViTModel", "Preprocessing", "Checkpoints", "Tensors", "CBLIS", "CDNNL"]),
        // Expectations, verify and diff.
        .target(name: "ViTVerification", dependencies: ["ViTInference", "ViTModel", "Preprocessing", "Tensors"]),
        // Task metrics of a classifier on labelled images (image folder or manifest), as scikit-learn defines them.
        .target(name: "ViTEvaluation", dependencies: ["ViTInference", "ViTModel", "Preprocessing", "Tensors"]),
        // Image embeddings (pooler, CLS, mean token) streamed to .npy + sidecar or JSON lines.
        .target(name: "ViTEmbedding", dependencies: ["ViTInference", "ViTModel", "Preprocessing", "NumPy", "Tensors"]),
        // Generated from vitkit's Milvus proto subset (scripts/milvus-proto/generate.sh): messages
        // and the MilvusService client, `package` visibility. Its own target so its ~240 KB of
        // generated code is compiled once and only for Milvus.
        .target(
            name: "MilvusProto",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        // MilvusClient (collections of path + embedding, insert, search, query, delete) and the
        // MilvusLite launcher. CVitKitSystem: the spawn that ties milvus-lite's life to this process.
        .target(
            name: "Milvus",
            dependencies: [
                "MilvusProto", "CVitKitSystem",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        // Image search: embeddings of a model into a Milvus collection that records which model made them.
        .target(name: "ViTSearch", dependencies: ["ViTEmbedding", "ViTConversion", "Checkpoints", "Tensors", "Milvus"]),
        // Pictures: an RGB canvas, FreeType text, colour scales, PNG files written atomically.
        .target(name: "Drawing", dependencies: ["Preprocessing", "Tensors", "CFreeType"]),
        // What a model looks at and what its weights hold, as pictures: attention maps over the
        // photo, weight histograms.
        .target(name: "ViTPictures", dependencies: ["Drawing", "ViTInference", "ViTModel", "Checkpoints", "Preprocessing", "Tensors"]),
        // The confusion matrix as a PNG heat map.
        .target(name: "EvaluationPlot", dependencies: ["ViTEvaluation", "Drawing", "Preprocessing", "Tensors"]),
        // One import for library users: every public type and error above.
        .target(name: "VitKit", dependencies: ["Tensors", "Checkpoints", "Preprocessing", "ViTModel", "ViTConversion",
                                               "ViTInference", "ViTVerification", "ViTEvaluation", "ViTEmbedding",
                                               "Drawing", "EvaluationPlot", "ViTPictures"]),
        .executableTarget(
            name: "vitkit",
            dependencies: [
                "VitKit", "ViTSearch", "Milvus",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks (run by hand; numbers in docs/BENCHMARKS.md).
        .executableTarget(name: "vitkit-bench", dependencies: ["ViTInference", "ViTModel", "Tensors"], path: "Benchmarks/ViTBenchmark"),
        // The README's library snippet, compiled (and run by LibraryExampleTests) so it cannot rot.
        .executableTarget(name: "vitkit-library-tour", dependencies: ["VitKit"], path: "Examples/LibraryTour"),
        .executableTarget(name: "vitkit-search-bench", dependencies: ["Milvus"], path: "Benchmarks/SearchBenchmark"),
        .executableTarget(name: "vitkit-container-bench", dependencies: ["Checkpoints", "NumPy", "Tensors"],
                          path: "Benchmarks/ContainerBenchmark"),

        // Tests' temporary files: one directory per test process, removed at exit.
        .target(name: "TestScratch", path: "Tests/TestScratch"),
        .testTarget(name: "TensorsTests", dependencies: ["Tensors"]),
        .testTarget(name: "SafeTensorsTests", dependencies: ["TestScratch", "SafeTensors", "Tensors"]),
        .testTarget(name: "NumPyTests", dependencies: ["TestScratch", "NumPy", "Tensors"]),
        .testTarget(name: "HDF5Tests", dependencies: ["TestScratch", "HDF5", "Tensors"]),
        .testTarget(name: "CheckpointsTests", dependencies: ["TestScratch", "Checkpoints", "Tensors"]),
        .testTarget(name: "PreprocessingTests", dependencies: ["TestScratch", "Preprocessing", "NumPy", "Tensors"]),
        .testTarget(name: "ViTEvaluationTests", dependencies: ["TestScratch", "ViTEvaluation", "Tensors"]),
        .testTarget(name: "ViTEmbeddingTests", dependencies: ["TestScratch", "ViTEmbedding", "ViTModel", "ViTInference", "NumPy", "Tensors"]),
        .testTarget(name: "EvaluationPlotTests", dependencies: ["TestScratch", "Drawing", "EvaluationPlot", "Preprocessing", "Tensors"]),
        .testTarget(name: "VisionTransformerTests", dependencies: ["TestScratch", "VitKit", "Tensors"]),
        // MilvusLiteProbe: a process that starts milvus-lite, for the test that kills it.
        .executableTarget(name: "milvus-lite-probe", dependencies: ["Milvus"], path: "Tests/MilvusLiteProbe"),
        .testTarget(name: "MilvusTests", dependencies: ["Milvus", "milvus-lite-probe", "vitkit", "NumPy", "Tensors"], exclude: ["pymilvus_read_back.py", "pymilvus_databases.py"]),
        // HDF5, NumPy, SafeTensors: the CLI tests write hostile and large files with the repo's own writers.
        .testTarget(name: "vitkitTests", dependencies: ["TestScratch", "vitkit", "vitkit-library-tour", "HDF5", "NumPy", "SafeTensors", "Tensors"]),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer harnesses (Fuzz/README.md). A harness defines `LLVMFuzzerTestOneInput` and no
// `main`, so it links only with `-sanitize=fuzzer`: the targets exist only when VITKIT_FUZZ
// is set, and a plain `swift build` / `swift test` never sees them.
if Context.environment["VITKIT_FUZZ"] != nil {
    let harnesses: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzSafeTensors", ["SafeTensors", "Tensors"]),
        ("FuzzJSON", ["Tensors"]),
        ("FuzzNPY", ["NumPy", "Tensors", "FuzzSupport"]),
        ("FuzzNPZ", ["NumPy", "Tensors", "FuzzSupport"]),
        ("FuzzImage", ["Preprocessing"]),
        ("FuzzHDF5", ["HDF5", "Tensors", "FuzzSupport"]),
    ]
    package.targets.append(.target(name: "FuzzSupport", dependencies: ["Tensors"], path: "Fuzz/FuzzSupport"))
    for h in harnesses {
        package.targets.append(.executableTarget(name: h.name, dependencies: h.dependencies, path: "Fuzz/\(h.name)"))
        package.products.append(.executable(name: h.name, targets: [h.name]))
    }
}
