#!/usr/bin/env bash
# A consumer package that only converts: depends on the ViTConversion product alone and must
# build and link no BLAS, libpng or libjpeg code (issue 10's layering check).
# Usage: scripts/check-consumer.sh [SCRATCH_DIR]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$(mktemp -d /tmp/vitkit-consumer.XXXXXX)}
mkdir -p "$dir/Sources/Converter"
# A path dependency is known by its directory name, lowercased.
identity=$(basename "$repo" | tr "[:upper:]" "[:lower:]")
cat > "$dir/Package.swift" <<SWIFT
// swift-tools-version:6.0
import PackageDescription
let package = Package(
    name: "Converter",
    dependencies: [.package(path: "$repo")],
    targets: [.executableTarget(name: "Converter", dependencies: [.product(name: "ViTConversion", package: "$identity")])]
)
SWIFT
cat > "$dir/Sources/Converter/main.swift" <<'SWIFT'
import ViTConversion
import ViTModel

let args = CommandLine.arguments
let model = try ViTCheckpoint(path: args[1])
let result = try Conversion.convert(model, to: .timm, destination: args[2], options: .init(force: true))
print("wrote \(result.tensors) tensors")
SWIFT
(cd "$dir" && swift build --product Converter 2>&1 | tail -1)
# SwiftPM creates a directory for every target while planning; compiled ones hold objects.
compiled() { compgen -G "$dir/.build/debug/$1.build/*.o" > /dev/null; }
for t in CBLIS Preprocessing ViTInference ViTVerification CPNG CJPEG CFreeType EvaluationPlot; do
  if compiled "$t"; then echo "FAIL: the consumer compiled $t"; exit 1; fi
done
built=$(for d in "$dir"/.build/debug/*.build; do t=$(basename "$d" .build); if compiled "$t"; then echo "$t"; fi; done | tr '\n' ' ')
if ldd "$dir/.build/debug/Converter" | grep -E 'libblis|libpng|libjpeg|libfreetype'; then echo "FAIL: linked the libraries above"; exit 1; fi
(cd "$repo" && "$dir/.build/debug/Converter" samples/models/hf-classifier "$dir/out.safetensors")
echo "consumer OK: compiled $built; links no BLAS, libpng, libjpeg or FreeType"
