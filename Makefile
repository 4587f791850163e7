# vitkit: two commands do all set-up on a fresh Debian machine.
#   make demo   install what is missing, build (release), run the main job on samples/
#   make test   install what is missing (apt; milvus-lite and pymilvus into .venv), run the test suite
#               and the consumer-package layering check
SHELL := /bin/bash
APT_PACKAGES := pkg-config libhdf5-dev zlib1g-dev libblis-dev libdnnl-dev libpng-dev libjpeg62-turbo-dev libssl-dev libfreetype-dev fonts-dejavu-core
PKG_CONFIG_NAMES := hdf5 zlib libpng libjpeg libcrypto freetype2
# The font evaluate --plot draws with (fonts-dejavu-core).
PLOT_FONT := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
VITKIT := .build/release/vitkit
# milvus-lite (the Milvus server the Milvus tests start) and pymilvus (their cross-check), from
# PyPI into a project-local virtualenv; the tests find .venv/bin/milvus-lite and .venv/bin/python.
VENV := .venv
MILVUS_PIP := milvus-lite==3.2.2 pymilvus==3.0.2

.PHONY: deps milvus-deps build demo test bench clean

deps:
	@missing=0; command -v pkg-config >/dev/null || missing=1; \
	for p in $(PKG_CONFIG_NAMES); do pkg-config --exists $$p 2>/dev/null || missing=1; done; \
	dpkg -s libblis-dev >/dev/null 2>&1 || missing=1; \
	dpkg -s libdnnl-dev >/dev/null 2>&1 || missing=1; \
	[ -f $(PLOT_FONT) ] || missing=1; \
	if [ $$missing = 1 ]; then \
	  echo "Installing system libraries: $(APT_PACKAGES)"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(APT_PACKAGES); \
	fi

milvus-deps:
	@if [ ! -x $(VENV)/bin/milvus-lite ] || ! $(VENV)/bin/python -c "import milvus_lite, pymilvus" 2>/dev/null; then \
	  if ! python3 -c "import venv, ensurepip" 2>/dev/null; then \
	    echo "Installing python3-venv"; \
	    $(SUDO) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends python3 python3-venv; \
	  fi; \
	  echo "Installing $(MILVUS_PIP) into $(VENV)"; \
	  python3 -m venv $(VENV) && $(VENV)/bin/pip install -q --disable-pip-version-check $(MILVUS_PIP); \
	fi

build: deps
	swift build -c release --product vitkit

demo: build milvus-deps
	@bash scripts/demo.sh $(VITKIT)

# The Milvus tests run on their own: the CLI tests block Swift's 2 cooperative threads for
# seconds (waiting for processes), and grpc-swift handles connection events on those threads, so
# beside them a refused connection was reported after 13-50 s instead of milliseconds.
test: deps milvus-deps
	@bash scripts/check-consumer.sh
	swift test --skip MilvusTests
	swift test --skip-build --filter MilvusTests

# Forward-pass benchmark on a checkpoint: make bench CHECKPOINT=path [ARGS="--batch 8"]
bench: deps
	swift build -c release --product vitkit-bench
	.build/release/vitkit-bench $(CHECKPOINT) $(ARGS)

clean:
	rm -rf .build
