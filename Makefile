# scour — build the tool and clean the sample corpus.
#
#   make          build the release binary and clean corpus/raw -> corpus/clean
#   make test     format check, clippy -D warnings, and the whole test suite
#   make bench    quality and speed benchmarks (needs ../shared/bench)
#   make test-spark  run scour under PySpark (local mode) and check that its
#                 output equals a plain run (needs Java 17+; installs pyspark
#                 into target/spark-venv on first use)
#
# Each output depends on its input and on the binary, so a second `make`
# does nothing, touching one raw file rebuilds only its output, and a new
# binary rebuilds everything. Outputs are written atomically by scour itself.

CARGO     ?= cargo
SCOUR     ?= target/release/scour
RAW_DIR   ?= corpus/raw
CLEAN_DIR ?= corpus/clean
SCOUR_FLAGS ?=

SOURCES := $(wildcard Cargo.toml Cargo.lock build.rs) $(shell find src rules -type f 2>/dev/null)
RAW     := $(sort $(wildcard $(RAW_DIR)/*.html $(RAW_DIR)/*.htm $(RAW_DIR)/*.txt))
CLEAN   := $(patsubst $(RAW_DIR)/%,$(CLEAN_DIR)/%.txt,$(basename $(RAW)))

.PHONY: all corpus test bench test-spark clean-corpus
.DELETE_ON_ERROR:

all: corpus

corpus: $(CLEAN)

$(SCOUR): $(SOURCES)
	$(CARGO) build --release --locked
	@touch $@

$(CLEAN_DIR)/%.txt: $(RAW_DIR)/%.html $(SCOUR)
	$(SCOUR) $(SCOUR_FLAGS) $< -o $@

$(CLEAN_DIR)/%.txt: $(RAW_DIR)/%.htm $(SCOUR)
	$(SCOUR) $(SCOUR_FLAGS) $< -o $@

$(CLEAN_DIR)/%.txt: $(RAW_DIR)/%.txt $(SCOUR)
	$(SCOUR) $(SCOUR_FLAGS) $< -o $@

test:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --all-targets -- -D warnings
	$(CARGO) test --locked

bench:
	python3 bench/run.py

SPARK_VENV ?= target/spark-venv

$(SPARK_VENV)/bin/python:
	python3 -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/pip install --quiet pyspark

test-spark: $(SCOUR) $(SPARK_VENV)/bin/python
	$(SPARK_VENV)/bin/python spark/check.py --scour $(SCOUR) --corpus $(RAW_DIR)

clean-corpus:
	rm -rf $(CLEAN_DIR)
