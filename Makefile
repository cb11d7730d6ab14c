# Two commands: `make lab` (students, self-study) and `make test` (everything CI checks).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)
# The real CIFAR-10 subset next to the checkout (CI); elsewhere the loader downloads the data.
SUBSET := $(abspath ../shared/data/cifar-10-subset/cifar-10-batches-py)
ifneq ($(wildcard $(SUBSET)),)
export IN5400_DATA_DIR ?= $(SUBSET)
endif

.PHONY: setup lab test test-slurm lint audit release bench lock clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

setup: $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

test: $(STAMP) lint
	$(BIN)/python -m pytest -n 2 --durations=15

# The README's Slurm array script on a one-node cluster (needs: apt-get install slurm-wlm munge).
test-slurm: $(STAMP)
	$(BIN)/python -m pytest -m slurm tests/cluster

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

# Re-pin every package after changing pyproject.toml (needs the package index).
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet 'torch==2.13.0' -e '.[dev]'
	{ echo "# Exact versions for 'pip install -c constraints.txt': regenerate with 'make lock'."; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable | sed 's/+cpu$$//'; } > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
