# Crosscurrents — developer / CI entry points.
#
#   make run       serve the dashboard on http://$(ADDRESS):$(PORT)
#   make test      full test suite (unit + headless-browser tests)
#   make store     build/refresh the processed data store (no-op when fresh)
#   make bench     pipeline benchmarks
#   make clean     remove built data and caches (keeps .venv)
#   make distclean clean + remove .venv
#
# Works from a fresh clone with `make -j1`; prerequisites are ordered so -jN
# is safe too.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
PORT ?= 8501
ADDRESS ?= localhost
PYTEST_ARGS ?=

VENV := .venv
VPY := $(VENV)/bin/python
REQS := $(sort $(wildcard requirements*.txt))
# Stamp is keyed on the requirements' contents (not their mtimes, which a
# checkout resets): editing them re-installs, an unchanged re-run costs one
# sha256sum.
REQ_HASH := $(shell cat $(REQS) 2>/dev/null | sha256sum | cut -c1-16)
VENV_STAMP := $(VENV)/.installed-$(REQ_HASH)

CHROMIUM := /usr/bin/chromium

.PHONY: help venv chromium store run test bench clean distclean

help:
	@echo "targets: venv chromium store run test bench clean distclean"
	@echo "vars:    PYTHON=$(PYTHON) PORT=$(PORT) ADDRESS=$(ADDRESS) PYTEST_ARGS=..."

venv: $(VENV_STAMP)

$(VENV_STAMP):
	@test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

# Debian's chromium for the Playwright browser tests (never `playwright install`:
# only package registries are reachable).
chromium:
	@if [ -x $(CHROMIUM) ]; then exit 0; fi; \
	SUDO=; \
	if [ "$$(id -u)" != 0 ]; then \
	  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; \
	  else echo "chromium missing and not root (no sudo): apt-get install chromium" >&2; exit 1; fi; \
	fi; \
	echo "installing chromium (apt-get)"; \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update && \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y chromium; \
	test -x $(CHROMIUM)

# The pipeline decides itself whether the store is stale (quick when fresh).
store: venv
	$(VPY) -m lib.pipeline build

# The app serves an existing build at once and rebuilds a stale one in the background
# (lib/refresh.py): a redeploy with new code or dictionaries does not wait for a rebuild.
# A warm-up visit (lib/loaders.py) fills the pages' caches before the first reader comes.
run: venv
	$(VPY) -m lib.pipeline build --if-missing
	$(VPY) -m lib.loaders warm --url http://$(ADDRESS):$(PORT) --wait 120 &
	$(VENV)/bin/streamlit run app.py --server.port $(PORT) --server.address $(ADDRESS)

# Unit and AppTest tests run on two workers (pytest-xdist): they are plain CPU work.
# Browser tests run after them, one at a time: each drives Chromium against a
# server, and the load test's 20 sessions need the machine to themselves. Both
# halves run and either failing fails the target; Ctrl-C (pytest's status 2) stops it.
# With PYTEST_ARGS (a path, -k, -m...), one plain pytest run, as the arguments say.
test: venv chromium store
ifeq ($(strip $(PYTEST_ARGS)),)
	@status=0; \
	$(VPY) -m pytest -q -n 2 tests --ignore=tests/browser || status=$$?; \
	if [ $$status = 2 ]; then exit 2; fi; \
	$(VPY) -m pytest -q tests/browser || status=$$?; \
	exit $$status
else
	$(VPY) -m pytest -q tests $(PYTEST_ARGS)
endif

bench: venv
	$(VPY) -m lib.bench

clean:
	rm -rf data/processed .pytest_cache
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
