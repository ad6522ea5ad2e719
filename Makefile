# SPDX-License-Identifier: Apache-2.0
# The two README commands (make run, make test) and the developer targets.
# Everything is built by CMake under build/<flavour>; this file only wraps it.

JOBS      ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE     ?= cmake
RELEASE   := build/release
ASAN      := build/asan
FUZZ      := build/fuzz
FUZZ_SECONDS ?= 10
RUN_ARGS  ?=

.PHONY: all deps build run test test-release test-asan test-fuzz bench check-long \
        fuzz-long clean format

all: build

deps:
	@sh scripts/deps.sh

$(RELEASE)/CMakeCache.txt:
	$(CMAKE) -S . -B $(RELEASE) -DCMAKE_BUILD_TYPE=Release -DILRS_WERROR=ON

$(ASAN)/CMakeCache.txt:
	$(CMAKE) -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DILRS_SANITIZE=ON -DILRS_WERROR=ON

$(FUZZ)/CMakeCache.txt:
	CC=clang $(CMAKE) -S . -B $(FUZZ) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DILRS_FUZZ=ON \
	    -DILRS_FUZZ_SECONDS=$(FUZZ_SECONDS)

build: deps $(RELEASE)/CMakeCache.txt
	$(CMAKE) --build $(RELEASE) -j $(JOBS)

# The main job: the default scenario (scenarios/south-pole.yaml) for its mission year,
# outputs in run-out/ (archive.sqlite, events.log, summary.json, report.html).
run: build
	./$(RELEASE)/ilrs run $(RUN_ARGS)

test: deps test-release test-asan test-fuzz
	@echo "make test: all suites passed (release, asan+ubsan, fuzz)"

test-release: $(RELEASE)/CMakeCache.txt
	$(CMAKE) --build $(RELEASE) -j $(JOBS)
	cd $(RELEASE) && ctest --output-on-failure -j $(JOBS)

test-asan: $(ASAN)/CMakeCache.txt
	$(CMAKE) --build $(ASAN) -j $(JOBS)
	cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ctest --output-on-failure -j $(JOBS) -LE nosan

test-fuzz: $(FUZZ)/CMakeCache.txt
	$(CMAKE) --build $(FUZZ) -j $(JOBS)
	cd $(FUZZ) && ctest --output-on-failure -j $(JOBS) -L fuzz

bench: build
	@for b in $(RELEASE)/bench/bench_*; do \
	    [ -x "$$b" ] || continue; echo "# $$b" >&2; "$$b" || exit 1; done

# Long fuzzing and soak runs, not part of make test.
check-long: FUZZ_SECONDS = 600
check-long: deps
	rm -f $(FUZZ)/CMakeCache.txt
	$(MAKE) test-fuzz FUZZ_SECONDS=600

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build
