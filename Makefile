# Lindyn: build, test, demo and benchmark.
# `make demo` and `make test` install GSL first if it is missing (apt-get as root or via sudo,
# brew on macOS), so both work on a fresh machine.

SWIFT ?= swift
SHELL := /bin/bash
# apt-get needs root: use sudo when not root and sudo exists.
SUDO := $(shell if [ "$$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then echo sudo; fi)

.PHONY: all deps tex-deps build release test test-full test-cluster examples demo bench bench-peers bench-rerun bench-startup bench-validate clean cli-docs check-cli-docs

all: build

# GSL (odeiv2, eigensolvers) and OpenBLAS (the CBLAS behind every matrix product).
deps:
	@if pkg-config --exists gsl 2>/dev/null && { ldconfig -p 2>/dev/null | grep -q 'libopenblas\.so ' || [ -e /usr/lib/x86_64-linux-gnu/libopenblas.so ] || [ -e /usr/lib/aarch64-linux-gnu/libopenblas.so ]; }; then \
		echo "GSL $$(pkg-config --modversion gsl) and OpenBLAS found."; \
	elif command -v apt-get >/dev/null 2>&1; then \
		echo "Installing GSL, OpenBLAS and pkg-config with apt-get..."; \
		$(SUDO) apt-get update && $(SUDO) apt-get install -y libgsl-dev libopenblas-dev pkg-config; \
	elif command -v brew >/dev/null 2>&1; then \
		brew install gsl openblas pkg-config; \
	else \
		echo "error: GSL or OpenBLAS not found. Install their development files (Debian: libgsl-dev libopenblas-dev; Homebrew: gsl openblas) and pkg-config." >&2; \
		exit 1; \
	fi

build: deps
	$(SWIFT) build

# The release binary links the Swift runtime and Foundation statically (self-contained; start-up
# about 4 ms instead of 10: Notes/performance.md). OpenBLAS is opened on first use, not at start.
# On Linux it is also linked as a position-dependent executable (-no-pie): the static runtime and
# Foundation carry ~80,000 relative relocations that the loader would otherwise apply at every
# start (about 200 page faults and 0.4 ms of a 3 ms start; the address of the executable itself
# is then not randomised, that of its libraries, stack and heap still is).
# The static link goes through the toolchain's lld when it has one: the default linker repeats
# glibc's link-time note on mktemp for every static Foundation build (Foundation's own
# temporary files; the note is not about Lindyn's code), lld does not print such notes.
STATIC := --static-swift-stdlib $(if $(filter Linux,$(shell uname -s)),-Xlinker -no-pie $(if $(shell command -v ld.lld 2>/dev/null),-Xswiftc -use-ld=lld))

release: deps
	$(SWIFT) build -c release $(STATIC) --product lindyn

# Runs the whole suite; on success the last line restates Swift Testing's count as
# "N passed, 0 failed" (XCTest's own summary, printed earlier, counts only XCTest cases).
# pdfLaTeX with booktabs, siunitx and longtable, for the test that compiles every LaTeX table
# (skipped with a message when they cannot be installed).
tex-deps:
	@if command -v pdflatex >/dev/null 2>&1 && kpsewhich siunitx.sty booktabs.sty longtable.sty 2>/dev/null | grep -c . | grep -q 3; then \
		true; \
	elif command -v apt-get >/dev/null 2>&1 && { [ "$$(id -u)" = "0" ] || [ -n "$(SUDO)" ]; }; then \
		echo "Installing pdfLaTeX (texlive-latex-recommended, texlive-latex-extra, texlive-science) for the LaTeX compile test..."; \
		$(SUDO) apt-get install -y --no-install-recommends texlive-latex-recommended texlive-latex-extra texlive-science || \
		{ $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends texlive-latex-recommended texlive-latex-extra texlive-science; } || \
		echo "note: could not install TeX; the LaTeX compile test will be skipped"; \
	else \
		echo "note: pdflatex with siunitx is not installed; the LaTeX compile test will be skipped"; \
	fi

test: deps tex-deps
	@mkdir -p .build
	@set -o pipefail; $(SWIFT) test 2>&1 | tee .build/test.log; status=$$?; \
	n=$$(sed -n 's/.*Test run with \([0-9]*\) tests.* passed.*/\1/p' .build/test.log | tail -n 1); \
	if [ "$$status" = 0 ] && [ -n "$$n" ]; then echo "$$n passed, 0 failed"; fi; \
	exit $$status

test-full: deps
	LINDYN_VALIDATION=full $(SWIFT) test

# `lindyn cluster` against a real single-node Slurm: installs slurm-wlm and munge if missing,
# starts munged, slurmctld and slurmd from a temporary directory, runs ClusterSlurmTests and stops
# the daemons (skipped, not failed, where Slurm cannot be installed or started).
test-cluster: deps
	SWIFT="$(SWIFT)" Tests/Cluster/run.sh

# The example packages under Examples/ (each depends on this package by path): built and run,
# so an example that no longer compiles, or whose check disagrees, fails here; and, being
# library-only clients, they must not fetch the command line's dependencies
# (swift-argument-parser, swift-docc-plugin: Scripts/library-client.sh).
examples: deps
	Scripts/library-client.sh Examples/FirstCheck
	$(SWIFT) run --package-path Examples/FirstCheck

demo: release
	.build/release/lindyn demo

bench: deps
	$(SWIFT) build -c release $(STATIC) --product lindyn-bench
	.build/release/lindyn-bench

# Lindyn against its peers, side by side: SciPy (solve_ivp) and JAX + diffrax (jit, float64),
# installed with pip when missing. Each baseline writes JSON; lindyn-bench runs the same cases
# and prints the ratios with the right-hand-side counts and the accuracy each side reached.
PYTHON ?= python3
bench-peers: deps
	@$(PYTHON) -c "import numpy, scipy" 2>/dev/null || $(PYTHON) -m pip install --quiet numpy scipy
	@$(PYTHON) -c "import jax, diffrax" 2>/dev/null || $(PYTHON) -m pip install --quiet jax diffrax
	$(SWIFT) build -c release $(STATIC) --product lindyn-bench
	@mkdir -p bench-out
	$(PYTHON) Validation/bench/scipy_baseline.py --out bench-out/scipy.json
	$(PYTHON) Validation/bench/diffrax_baseline.py --out bench-out/diffrax.json
	.build/release/lindyn-bench --compare bench-out/scipy.json --compare bench-out/diffrax.json --json bench-out/lindyn-bench-peers.json

# Every benchmark figure of Notes/performance.md in one go, for a rerun on a quiet machine: the
# Lindyn/C cases and sections (make bench), then SciPy and diffrax side by side (make
# bench-peers), then start-up against the dynamically linked build (make bench-startup), with
# the load average before and after. Output: bench-out/ and the terminal.
bench-rerun:
	@echo "load before: $$(uptime)"
	$(MAKE) bench
	$(MAKE) bench-peers
	$(MAKE) bench-startup
	@echo "load after: $$(uptime)"

# Whole-process start-up and a shell loop of small solves against the pre-static build.
bench-startup: deps
	Validation/bench/startup.sh

# A validation point against the solves it needs (Validation/bench/mode-grid.json, 1000 points):
# points/s and validate / solves-only time, side by side in one run, with the machine's load.
bench-validate: deps
	$(SWIFT) build -c release $(STATIC) --product lindyn
	$(SWIFT) build -c release $(STATIC) --product lindyn-bench
	@echo "load before: $$(uptime)"
	.build/release/lindyn-bench --cases validate --json bench-out/lindyn-bench-validate.json
	@echo "load after: $$(uptime)"

clean:
	rm -rf .build lindyn-out bench-out

# The man page (ArgumentParser's generate-manual) and the bash, zsh and fish completions, from the
# command's own definitions, into share/. Dated by CITATION.cff's date-released so that the files
# change only with the command line. `make check-cli-docs` (run by .ci/run) regenerates them into
# a scratch directory and fails when they differ from the checked-in ones.
CLI_DOCS_DATE := $(shell sed -n 's/^date-released: *//p' CITATION.cff)

define generate_cli_docs
	$(SWIFT) build --product lindyn
	$(SWIFT) build --product generate-manual
	@bin=$$($(SWIFT) build --show-bin-path); out="$(1)"; \
	mkdir -p "$$out/man/man1" "$$out/completions"; \
	"$$bin/generate-manual" "$$bin/lindyn" --date "$(CLI_DOCS_DATE)" --authors "The Lindyn authors" -o "$$out/man/man1" && \
	"$$bin/lindyn" --generate-completion-script bash > "$$out/completions/lindyn.bash" && \
	"$$bin/lindyn" --generate-completion-script zsh > "$$out/completions/_lindyn" && \
	"$$bin/lindyn" --generate-completion-script fish > "$$out/completions/lindyn.fish"
endef

cli-docs: deps
	$(call generate_cli_docs,share)

check-cli-docs: deps
	@rm -rf .build/cli-docs-check
	$(call generate_cli_docs,.build/cli-docs-check)
	@diff -r share .build/cli-docs-check > .build/cli-docs.diff || { cat .build/cli-docs.diff; echo "error: share/ (man page, completions) is out of date with the command line; run make cli-docs and commit it" >&2; exit 1; }
	@echo "man page and completions are up to date."

# DocC documentation of every library module (swift-docc-plugin) into .build/docs/.
# docs-check (run by .ci/run) fails on any DocC warning, or when the tutorial's code
# (Scripts/tutorial-code.sh) no longer matches Examples/FirstCheck.
docs: deps
	Scripts/docs.sh

docs-check: deps
	Scripts/tutorial-code.sh --check
	Scripts/docs.sh --check

# The one check of the library modules' public surface (Scripts/public-api.py, run by .ci/run):
# fails, naming each declaration with its file:line, when an underscored name (the C-callback
# plumbing) or the problem-file JSON tree (InputJSON, Field) is public, or a public function or
# initialiser throws an untyped error (swift-api-digester; Notes/errors.md), or
# when a public declaration has no doc comment (symbol graphs; what counts as documented is
# stated in the script). `Scripts/public-api.py --list` prints the whole public API;
# `make doc-coverage` prints each module's doc-comment coverage and what lacks a comment.
api-check: deps
	Scripts/public-api.py

doc-coverage: deps
	Scripts/public-api.py --coverage

.PHONY: docs docs-check doc-coverage api-check
