# presslens: `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.presslens-installed
CORPUS ?= seeds
OUT    ?= outputs
ARGS   ?=
LAB_ARGS ?=
# pytest workers for make test (pytest-xdist; one test file per worker at a time, so module fixtures are made once)
TEST_JOBS ?= 2
# JupyterLab refuses to run as root without --allow-root, and containers usually run as root: add it only then.
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: help install report test test-fast notebooks lab bench clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "  variables: CORPUS=$(CORPUS) OUT=$(OUT) ARGS='$(ARGS)' (passed to presslens run), LAB_ARGS='$(LAB_ARGS)' (to jupyter lab)"

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c 'import sys; assert sys.version_info[:2] == (3, 11), "presslens needs Python 3.11, found " + sys.version.split()[0]'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

install: $(STAMP) ## create .venv and install the pinned environment

report: $(STAMP) ## run every notebook on $(CORPUS) into $(OUT) (data, HTML reports, index, run.json)
	$(BIN)/presslens run --corpus $(CORPUS) --out $(OUT) $(ARGS)

test: $(STAMP) ## run every test: pytest (library, reports, browser) and nbval on the notebooks
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadfile --durations=25 tests lib/presslens
	$(BIN)/python -m pytest --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-current-env -p no:cacheprovider notebooks

test-fast: $(STAMP) ## library tests only (no notebooks, no browser)
	$(BIN)/python -m pytest tests -m "not browser and not slow"

notebooks: $(STAMP) ## re-execute the notebooks in place so their stored outputs match the seeds run
	$(BIN)/presslens refresh-notebooks

lab: $(STAMP) ## open JupyterLab on notebooks/ with the project's kernel (LAB_ARGS='--no-browser --port 8899' for more)
	@# JUPYTER_PREFER_ENV_PATH: .venv's kernelspecs win over any user-wide "python3"; its kernel runs .venv's python
	JUPYTER_PREFER_ENV_PATH=1 $(BIN)/jupyter lab --notebook-dir=notebooks --MappingKernelManager.default_kernel_name=python3 $(LAB_ROOT) $(LAB_ARGS)

bench: $(STAMP) ## run the benchmarks (not part of the tests) into $(OUT)/bench
	$(BIN)/python -m benchmarks --out $(OUT)/bench $(ARGS)

clean: ## remove outputs/ (keeps .venv)
	rm -rf $(OUT)/data $(OUT)/reports $(OUT)/notebooks $(OUT)/run.json $(OUT)/run.log $(OUT)/logs $(OUT)/failed-runs $(OUT)/cache
