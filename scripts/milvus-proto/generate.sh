#!/usr/bin/env bash
# Regenerates Sources/MilvusProto/*.swift from vitkit's Milvus proto subset (proto/*.proto).
#
# The subset is vitkit's own file: the MilvusService RPCs and message fields the `Milvus`
# target uses, with the names, packages and field numbers of the Milvus wire protocol
# (milvus-proto branch 3.0, commit cef495bd49af1828ede40730eaaf7305232090f4, the closest to
# milvus-lite 3.2.2 / pymilvus 3.0.2). check.py compares every field with pymilvus's
# generated descriptors; this script runs it when .venv/bin/python has pymilvus (make test
# creates that virtualenv).
#
# Tools: protoc 3.21 (Debian 12's protobuf-compiler) and two plugins built from the
# package copies: protoc-gen-swift (apple/swift-protobuf 1.39.0) and protoc-gen-grpc-swift-2
# (grpc/grpc-swift-protobuf 2.4.1). The plugins are built (release, ~10 minutes on 2 cores)
# in .build-protoc-plugins/ unless PROTOC_PLUGIN_DIR names a folder that has both.
#
# Output: the messages with `package` visibility (only vitkit's targets see them) and the
# gRPC client (Client=true, Server=false). Upstream's full milvus.proto has an `Import` RPC
# that protoc-gen-grpc-swift-2 2.4.1 emits as `func import<` (a keyword; it needs
# backticks): the subset has no Import RPC, so no patch is needed.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(cd ../.. && pwd)
OUT="$ROOT/Sources/MilvusProto"

if ! command -v protoc >/dev/null; then
  echo "protoc is missing: apt-get install protobuf-compiler" >&2
  exit 1
fi
case "$(protoc --version)" in
  "libprotoc 3.21."*) ;;
  *) echo "note: generated with libprotoc 3.21; this is $(protoc --version)" >&2 ;;
esac

PLUGINS=${PROTOC_PLUGIN_DIR:-}
if [ -z "$PLUGINS" ]; then
  SCRATCH="$ROOT/.build-protoc-plugins"
  mkdir -p "$SCRATCH/Sources/Plugins"
  cat > "$SCRATCH/Package.swift" <<'PKG'
// swift-tools-version:6.0
import PackageDescription
let package = Package(
    name: "protoc-plugins",
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", exact: "2.4.1"),
    ],
    targets: [.target(name: "Plugins")]
)
PKG
  echo "// Empty: this package only builds the two protoc plugins." > "$SCRATCH/Sources/Plugins/Empty.swift"
  (cd "$SCRATCH" && swift build -c release --product protoc-gen-swift && swift build -c release --product protoc-gen-grpc-swift-2)
  PLUGINS="$SCRATCH/.build/release"
fi

rm -f "$OUT"/*.swift
mkdir -p "$OUT"
protoc -I proto --plugin=protoc-gen-swift="$PLUGINS/protoc-gen-swift" \
  --swift_out="$OUT" --swift_opt=Visibility=Package \
  proto/milvus_common.proto proto/milvus_schema.proto proto/milvus_service.proto
# Only milvus_service.proto has a service.
protoc -I proto --plugin=protoc-gen-grpc-swift-2="$PLUGINS/protoc-gen-grpc-swift-2" \
  --grpc-swift-2_out="$OUT" --grpc-swift-2_opt=Visibility=Package,Client=true,Server=false \
  proto/milvus_service.proto
ls -l "$OUT"

if "$ROOT/.venv/bin/python" -c "import pymilvus" 2>/dev/null; then
  DESCRIPTORS=$(mktemp)
  trap 'rm -f "$DESCRIPTORS"' EXIT
  protoc -I proto --include_imports --descriptor_set_out="$DESCRIPTORS" proto/*.proto
  "$ROOT/.venv/bin/python" check.py "$DESCRIPTORS"
else
  echo "note: no .venv with pymilvus; the subset was not compared with pymilvus (make test creates .venv)" >&2
fi
