# Osprey's entry points. See README.md.
#   make            build the Release server into build/osprey-server (and the
#                   osprey-check-rdb / osprey-check-aof tools beside it)
#   make run        install what is missing, build, run on 127.0.0.1:6379 (data in ./data)
#   make test       install, build, run every test (unit, unit under ASan/UBSan,
#                   integration, differential)
#   make bench      side-by-side benchmark against redis-server
#   make fuzz       build and run the libFuzzer targets for a while
JOBS ?= $(shell nproc)
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
PYTHON := /usr/bin/python3
FUZZ_SECONDS ?= 60

.PHONY: all build setup run test unit-test asan-test integration-test differential-test \
        bench fuzz clean

all: build

setup:
	@./scripts/setup.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null

build: $(BUILD)/build.ninja
	ninja -C $(BUILD) -j$(JOBS) osprey-server osprey-check-rdb osprey-check-aof osprey_unit_tests

$(ASAN_BUILD)/build.ninja:
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Sanitize -DOSPREY_SANITIZE=ON >/dev/null

run: setup build
	mkdir -p data
	./$(BUILD)/osprey-server --bind 127.0.0.1 --port 6379 --dir ./data

unit-test: build
	./$(BUILD)/osprey_unit_tests --gtest_brief=1

asan-test: $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD) -j$(JOBS) osprey_unit_tests
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ./$(ASAN_BUILD)/osprey_unit_tests --gtest_brief=1

integration-test: build
	OSPREY_SERVER=$(CURDIR)/$(BUILD)/osprey-server $(PYTHON) -m pytest -q -p no:cacheprovider tests/integration

differential-test: build
	OSPREY_SERVER=$(CURDIR)/$(BUILD)/osprey-server $(PYTHON) -m pytest -q -p no:cacheprovider tests/differential

test: setup build unit-test asan-test integration-test differential-test

bench: setup build
	OSPREY_SERVER=$(CURDIR)/$(BUILD)/osprey-server $(PYTHON) bench/run_bench.py $(BENCH_ARGS)
	OSPREY_SERVER=$(CURDIR)/$(BUILD)/osprey-server $(PYTHON) bench/type_memory.py
	OSPREY_SERVER=$(CURDIR)/$(BUILD)/osprey-server $(PYTHON) bench/persistence.py $(PERSISTENCE_ARGS)

$(FUZZ_BUILD)/build.ninja:
	CXX=clang++ CC=clang cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DOSPREY_FUZZ=ON -DOSPREY_WERROR=OFF >/dev/null

# Each target runs FUZZ_SECONDS from its seeds (tests/fuzz/corpus/<name>);
# what it learns is kept in $(FUZZ_BUILD)/corpus/<name>, crashes as
# $(FUZZ_BUILD)/<name>-crash-*. The first target that fails stops the run.
FUZZ_TARGETS := resp_parser listpack rdb_loader aof_loader

fuzz: setup $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD) -j$(JOBS) $(addprefix fuzz_,$(FUZZ_TARGETS))
	@set -e; for t in $(FUZZ_TARGETS); do \
	  echo "== fuzz_$$t: $(FUZZ_SECONDS) s"; \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
	  ./$(FUZZ_BUILD)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_BUILD)/$$t- $(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t; \
	done

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
