# Two entry points, each with its own virtualenv so they work on a fresh machine:
#   make demo   install the tool (a real, non-editable install) and run it on examples/
#   make test   install the tool with its test tools and run lint, types and the tests
PYTHON ?= python3
DEMO_VENV := .venv-demo
TEST_VENV := .venv-test

.PHONY: demo test lint typecheck pytest bench clean

$(DEMO_VENV)/.stamp: pyproject.toml
	$(PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(DEMO_VENV)/bin/python -m pip install --quiet .
	touch $@

$(TEST_VENV)/.stamp: pyproject.toml
	$(PYTHON) -m venv $(TEST_VENV)
	$(TEST_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(TEST_VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $@

# The workshop on the bundled example: diagnosis, gaps, advice, and the report left behind.
demo: $(DEMO_VENV)/.stamp
	$(DEMO_VENV)/bin/python -m pip install --quiet --no-deps --force-reinstall .
	$(DEMO_VENV)/bin/salesmkt validate
	$(DEMO_VENV)/bin/salesmkt score examples/workshop.csv
	$(DEMO_VENV)/bin/salesmkt gaps examples/workshop.csv
	$(DEMO_VENV)/bin/salesmkt recommend examples/workshop.csv \
	    --situation examples/situation.yaml --funnel examples/funnel.yaml </dev/null
	mkdir -p demo-out
	$(DEMO_VENV)/bin/salesmkt report examples/workshop.csv -o demo-out/report.html --force \
	    --situation examples/situation.yaml --funnel examples/funnel.yaml
	@echo "Report written to demo-out/report.html (open it in a browser; print it to PDF)."

test: $(TEST_VENV)/.stamp lint typecheck pytest

lint: $(TEST_VENV)/.stamp
	$(TEST_VENV)/bin/ruff check salesmkt tests benchmarks tools
	$(TEST_VENV)/bin/ruff format --check salesmkt tests benchmarks tools

typecheck: $(TEST_VENV)/.stamp
	$(TEST_VENV)/bin/mypy

pytest: $(TEST_VENV)/.stamp
	$(TEST_VENV)/bin/python -m pytest

bench: $(DEMO_VENV)/.stamp
	$(DEMO_VENV)/bin/python benchmarks/bench_score.py

clean:
	rm -rf $(DEMO_VENV) $(TEST_VENV) .pytest_cache .mypy_cache .ruff_cache
