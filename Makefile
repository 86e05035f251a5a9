# One command serves the search page (`make serve`), one runs the tests (`make test`).
# Both install what they need into the project's own .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install install-train serve index test test-fast browser-deps lint fmt bench load soak faults eval check audit clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## PyTorch (CPU build) for training/encoder: only to fine-tune the question encoder, never to serve.
install-train: install
	$(BIN)/python -m pip install --quiet -e '.[dev,train]'

## Serve the search page on the default collection (builds the index first if there is none).
serve: install
	$(BIN)/kb serve

index: install
	$(BIN)/kb index

check: install
	$(BIN)/kb check

## Debian's chromium (and CJK fonts for readable screenshots) for the browser tests;
## playwright drives it via executable_path, it never downloads a browser. strace lets the
## durability test read the system calls of a real writer.
browser-deps:
	@if command -v chromium >/dev/null 2>&1 && command -v strace >/dev/null 2>&1 \
	  && fc-list 2>/dev/null | grep -qi "cjk"; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y -qq chromium fonts-noto-cjk strace >/dev/null; \
	else echo "chromium, CJK fonts or strace missing: some tests may be skipped (apt-get install chromium fonts-noto-cjk strace)"; fi

## Run the test suite.
test: install browser-deps
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not browser and not full"

eval: install
	$(BIN)/kb eval ../shared/eval/stard-train.jsonl ../shared/eval/domain-dev.jsonl

bench: install
	$(BIN)/python -m bench.bench_search

load: install
	$(BIN)/python -m bench.load

## Bounded loopback soak of `kb serve` on the configured index: p95 per minute, RSS growth.
SOAK_MINUTES ?= 10
soak: install
	$(BIN)/python -m bench.soak --minutes $(SOAK_MINUTES)

## kill -9 `kb index` at every fault point and at random moments, on a larger corpus copy.
faults: install
	$(BIN)/python -m bench.faults

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Advisories for every pinned requirement (runtime and dev, with what they pull in, at the
## versions installed in .venv), from PyPI's vulnerability data; fails when a pin has known
## vulnerabilities or could not be checked and has a newer release, never passes without looking.
audit: install
	$(BIN)/python tools/audit.py

clean:
	rm -rf $(VENV) var .pytest_cache
