# vitkit: two commands do all set-up on a fresh Debian machine.
#   make demo   install what is missing, build (release), run the main job on samples/
#   make test   install what is missing, run the test suite and the consumer-package layering check
SHELL := /bin/bash
APT_PACKAGES := pkg-config libhdf5-dev zlib1g-dev libblis-dev libpng-dev libjpeg62-turbo-dev libssl-dev libfreetype-dev fonts-dejavu-core
PKG_CONFIG_NAMES := hdf5 zlib libpng libjpeg libcrypto freetype2
# The font evaluate --plot draws with (fonts-dejavu-core).
PLOT_FONT := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
VITKIT := .build/release/vitkit

.PHONY: deps build demo test bench clean

deps:
	@missing=0; command -v pkg-config >/dev/null || missing=1; \
	for p in $(PKG_CONFIG_NAMES); do pkg-config --exists $$p 2>/dev/null || missing=1; done; \
	dpkg -s libblis-dev >/dev/null 2>&1 || missing=1; \
	[ -f $(PLOT_FONT) ] || missing=1; \
	if [ $$missing = 1 ]; then \
	  echo "Installing system libraries: $(APT_PACKAGES)"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(APT_PACKAGES); \
	fi

build: deps
	swift build -c release --product vitkit

demo: build
	@bash scripts/demo.sh $(VITKIT)

test: deps
	@bash scripts/check-consumer.sh
	swift test

# Forward-pass benchmark on a checkpoint: make bench CHECKPOINT=path [ARGS="--batch 8"]
bench: deps
	swift build -c release --product vitkit-bench
	.build/release/vitkit-bench $(CHECKPOINT) $(ARGS)

clean:
	rm -rf .build
