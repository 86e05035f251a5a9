# One command serves the search page (`make serve`), one runs the tests (`make test`).
# Both install what they need into the project's own .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install serve index test test-fast browser-deps lint fmt bench load soak faults eval check audit clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Serve the search page on the default collection (builds the index first if there is none).
serve: install
	$(BIN)/kb serve

index: install
	$(BIN)/kb index

check: install
	$(BIN)/kb check

## Debian's chromium (and CJK fonts for readable screenshots) for the browser tests;
## playwright drives it via executable_path, it never downloads a browser.
browser-deps:
	@if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "cjk"; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else echo "chromium or CJK fonts missing: browser tests may be skipped (apt-get install chromium fonts-noto-cjk)"; fi

## Run the test suite.
test: install browser-deps
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not browser and not full"

eval: install
	$(BIN)/kb eval ../shared/eval/stard-train.jsonl ../shared/eval/domain-dev.jsonl

bench: install
	$(BIN)/python bench/bench_search.py

load: install
	$(BIN)/python bench/load.py

## Bounded loopback soak of `kb serve` on the configured index: p95 per minute, RSS growth.
SOAK_MINUTES ?= 10
soak: install
	$(BIN)/python bench/soak.py --minutes $(SOAK_MINUTES)

## kill -9 `kb index` at every fault point and at random moments, on a larger corpus copy.
faults: install
	$(BIN)/python bench/faults.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Known vulnerabilities in the project's pinned requirements (runtime and dev, with everything
## they pull in, at the versions installed in .venv). pip-audit asks PyPI's vulnerability data
## online: when it cannot be reached the target fails and says so, it never passes silently.
define AUDIT_REQUIREMENTS
import importlib.metadata as md
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name as key
todo, seen = [("kb-npc-search", "dev")], {}
while todo:
    name, extra = todo.pop()
    dist = md.distribution(name)
    if key(name) in seen: continue
    seen[key(name)] = dist.version
    for req in map(Requirement, dist.requires or []):
        if req.marker is None or req.marker.evaluate({"extra": extra}):
            todo.append((req.name, ""))
print("\n".join(f"{n}=={v}" for n, v in sorted(seen.items()) if n != "kb-npc-search"))
endef
export AUDIT_REQUIREMENTS

audit: install
	$(BIN)/python -m pip install --quiet pip-audit
	@mkdir -p var
	$(BIN)/python -c "$$AUDIT_REQUIREMENTS" > var/audit-requirements.txt
	@$(BIN)/pip-audit --strict --no-deps --disable-pip --progress-spinner off \
	    -r var/audit-requirements.txt || { echo "make audit: FAILED: a pinned requirement has \
	known vulnerabilities, or pip-audit could not check them (no vulnerability data \
	reachable from here): see its messages above" >&2; exit 1; }

clean:
	rm -rf $(VENV) var .pytest_cache
