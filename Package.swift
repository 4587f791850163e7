// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "vitkit",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vitkit", targets: ["vitkit"]),
        .library(name: "VisionTransformer", targets: ["VisionTransformer"]),
        .library(name: "Checkpoints", targets: ["Checkpoints"]),
        .library(name: "Tensors", targets: ["Tensors"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C system libraries: a modulemap + shim header each, found through pkg-config.
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CDeflate", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // BLIS rather than OpenBLAS: Debian's OpenBLAS 0.3.21 falls back to its generic (Prescott)
        // kernels on these CPUs (20 GFLOP/s); BLIS 0.9 selects AVX-512 kernels (124 GFLOP/s). See docs/BENCHMARKS.md.
        .systemLibrary(name: "CBLIS", providers: [.apt(["libblis-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),

        // Async-signal-safe handlers (temporary cleanup, mapped-file SIGBUS) and renameat2:
        // what Swift cannot express safely. A few dozen lines of C, no dependency.
        .target(name: "CSystem"),
        // Tensor core: dtypes, shapes, storage (mapped or owned), half conversions, JSON, and
        // the file-system layer every writer and reader goes through. No C library.
        .target(name: "Tensors", dependencies: ["CSystem"]),
        // Containers, one target each.
        .target(name: "SafeTensors", dependencies: ["Tensors"]),
        .target(name: "NumPy", dependencies: ["Tensors", "CDeflate"]),
        .target(name: "HDF5", dependencies: ["Tensors", "CHDF5", "CDeflate"]),
        // Opening any path (file, HF directory, shards) as one checkpoint.
        .target(name: "Checkpoints", dependencies: ["Tensors", "SafeTensors", "NumPy", "HDF5"]),
        // Image decoding and ViTImageProcessor-exact preprocessing.
        .target(name: "ImageIO", dependencies: ["Tensors", "CPNG", "CJPEG"]),
        // ViT config, naming schemes, graph, forward pass.
        .target(name: "VisionTransformer", dependencies: ["Tensors", "Checkpoints", "SafeTensors", "NumPy", "HDF5", "ImageIO", "CBLIS"]),
        .executableTarget(
            name: "vitkit",
            dependencies: [
                "VisionTransformer", "Checkpoints", "Tensors", "ImageIO",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks (run by hand; numbers in docs/BENCHMARKS.md).
        .executableTarget(name: "vitkit-bench", dependencies: ["VisionTransformer"], path: "Benchmarks/ViTBenchmark"),
        .executableTarget(name: "vitkit-container-bench", dependencies: ["Checkpoints", "NumPy", "Tensors"],
                          path: "Benchmarks/ContainerBenchmark"),

        .testTarget(name: "TensorsTests", dependencies: ["Tensors"]),
        .testTarget(name: "SafeTensorsTests", dependencies: ["SafeTensors", "Tensors"]),
        .testTarget(name: "NumPyTests", dependencies: ["NumPy", "Tensors"]),
        .testTarget(name: "HDF5Tests", dependencies: ["HDF5", "Tensors"]),
        .testTarget(name: "CheckpointsTests", dependencies: ["Checkpoints", "Tensors"]),
        .testTarget(name: "ImageIOTests", dependencies: ["ImageIO", "Tensors"]),
        .testTarget(name: "VisionTransformerTests", dependencies: ["VisionTransformer", "Checkpoints", "Tensors"]),
        // HDF5, NumPy, SafeTensors: the CLI tests write hostile and large files with the repo's own writers.
        .testTarget(name: "vitkitTests", dependencies: ["vitkit", "HDF5", "NumPy", "SafeTensors", "Tensors"]),
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
        ("FuzzImage", ["ImageIO"]),
        ("FuzzHDF5", ["HDF5", "Tensors", "FuzzSupport"]),
    ]
    package.targets.append(.target(name: "FuzzSupport", dependencies: ["Tensors"], path: "Fuzz/FuzzSupport"))
    for h in harnesses {
        package.targets.append(.executableTarget(name: h.name, dependencies: h.dependencies, path: "Fuzz/\(h.name)"))
        package.products.append(.executable(name: h.name, targets: [h.name]))
    }
}
