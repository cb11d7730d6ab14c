# Two commands: `make lab` (students, self-study) and `make test` (the suite); CI also runs
# `make test-slurm` and `make test-browser` (the notebooks in JupyterLab in headless Chromium).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)
# The real CIFAR-10 subset next to the checkout (CI); elsewhere the loader downloads the data.
SUBSET := $(abspath ../shared/data/cifar-10-subset/cifar-10-batches-py)
ifneq ($(wildcard $(SUBSET)),)
export IN5400_DATA_DIR ?= $(SUBSET)
endif
# What fills the venv: pip, or uv when UV names its executable (`make test UV=uv`); uv installs
# the same pinned versions about three times faster, and CI uses it. uv reads no pip configuration:
# a local wheel folder pip knows of is passed as UV_FIND_LINKS (see .ci/run).
UV ?=
ifeq ($(UV),)
NEW_VENV = $(PYTHON) -m venv $(VENV)
INSTALL = $(BIN)/python -m pip install --quiet
else
NEW_VENV = $(UV) venv --quiet --seed --allow-existing --python $(PYTHON) $(VENV)
INSTALL = $(UV) pip install --quiet --python $(BIN)/python --compile-bytecode
endif

.PHONY: setup setup-browser lab test test-slurm test-browser lint audit release bench lock clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed: make PYTHON=python3.11 ...")'
	$(NEW_VENV)
	$(INSTALL) -c constraints.txt -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

setup: $(STAMP)

# `make lab` opens notebooks/01_correlation.ipynb in JupyterLab with the checkout as its root.
# LAB_ROOT: another folder holding notebooks/; LAB_ARGS: more options (`--port=8899 --no-browser`).
LAB_ROOT ?= .
LAB_ARGS ?=
LAB_UID ?= $(shell id -u)
# Course defaults for JupyterLab in this venv (the user's own settings still win): no news prompt.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.d/in5400.json

$(LAB_SETTINGS): $(STAMP)
	mkdir -p $(@D)
	echo '{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}}' > $@

lab: $(STAMP) $(LAB_SETTINGS)
ifeq ($(LAB_UID),0)
	@echo "make lab: running as root, so JupyterLab is started with --allow-root"
endif
	$(BIN)/jupyter lab --ServerApp.root_dir=$(LAB_ROOT) $(LAB_ROOT)/notebooks/01_correlation.ipynb \
	    $(if $(filter 0,$(LAB_UID)),--allow-root) $(LAB_ARGS)

test: $(STAMP) lint
	$(BIN)/python -m pytest -n 2 --durations=15

# The README's Slurm array script on a one-node cluster (needs: apt-get install slurm-wlm munge).
test-slurm: $(STAMP)
	$(BIN)/python -m pytest -m slurm tests/cluster

# Playwright drives the system's Chromium (Debian/Ubuntu: `apt-get install chromium`).
BROWSER_STAMP := $(VENV)/.browser-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)
CHROMIUM ?= $(firstword $(shell command -v chromium chromium-browser google-chrome 2>/dev/null))

$(BROWSER_STAMP): $(STAMP)
	$(INSTALL) -c constraints.txt -e '.[dev,browser]'
	rm -f $(VENV)/.browser-*
	touch $@

setup-browser: $(BROWSER_STAMP)

test-browser: $(BROWSER_STAMP)
	@test -x "$(CHROMIUM)" || { echo "make test-browser needs Chromium, and found none:"\
	  "install it (Debian/Ubuntu: apt-get install chromium)"\
	  "or name it: make test-browser CHROMIUM=/path/to/chromium"; exit 1; }
	IN5400_CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest -m browser tests/browser -n 2 --durations=0

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

audit: $(STAMP)
	$(BIN)/in5400 audit

release: $(STAMP)
	$(BIN)/in5400 release

bench: $(STAMP)
	$(BIN)/python benchmarks/conv_speed.py
	$(BIN)/python benchmarks/separable_speed.py
	$(BIN)/python benchmarks/grading_speed.py
	$(BIN)/python benchmarks/parallel_speed.py

# Re-pin every package after changing pyproject.toml (needs the package index).
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet 'torch==2.13.0' -e '.[dev,browser]'
	{ echo "# Exact versions for 'pip install -c constraints.txt': regenerate with 'make lock'."; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable | sed 's/+cpu$$//'; } > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
