.PHONY: test test-dates test-mongodb local lint help bench

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'

test:  ## install what the tests need (as root) and run every test
	./scripts/test.sh $(ARGS)

test-dates:  ## the date-sensitive tiers at every date of scripts/dates/matrix.py under libfaketime (ARGS="--seed N" for one)
	./scripts/test-dates.sh $(ARGS)

test-mongodb:  ## the tiers that need a real MongoDB: mongo:7 in Docker as rs0, or DESKMETER_TEST_MONGODB_URI (ARGS=...)
	./scripts/test-mongodb.sh $(ARGS)

local:  ## provision this workstation: Ansible in a virtualenv, then ansible-playbook local.yml (ARGS=...)
	./scripts/local.sh $(ARGS)

#: The Python that runs Deskmeter's side of the benchmarks (the suite's virtualenv by default).
PYTHON ?= .venv/bin/python
AW_VENV := benchmarks/.aw-venv

bench:  ## Deskmeter beside ActivityWatch's aw-server on the same data, one run; JSON in artifacts/benchmarks/ (ARGS=--before DIR)
	@test -x $(AW_VENV)/bin/python || { python3 -m venv $(AW_VENV) && \
	  $(AW_VENV)/bin/pip install --quiet aw-server "peewee<4"; }
	PYTHONPATH=src:. $(PYTHON) -m benchmarks.versus_aw $(ARGS)
