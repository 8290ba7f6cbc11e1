# httttha: `make run` serves the development site, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INI := etc/development.ini
DOMAINS := httttha substanced deform colander
PO := $(wildcard httttha/locale/*/LC_MESSAGES/*.po)
MO := $(PO:.po=.mo)

.PHONY: run test install catalogs data test-deps clean bench

install: $(VENV)/.installed

$(VENV)/.installed: setup.py constraints.txt
	@# python-magic sniffs uploads with libmagic (Debian: libmagic1)
	@if ! ldconfig -p | grep -q 'libmagic.so.1 '; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libmagic1 >/dev/null; \
	  else echo "libmagic1 manque: sudo apt-get install libmagic1" >&2; exit 1; fi; \
	fi
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -c constraints.txt 'setuptools==80.8.0' pip wheel
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	touch $@

catalogs: $(MO)

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel -q compile -i $< -o $@

data: install catalogs
	mkdir -p var/tmp
	$(BIN)/httttha-load-agencies $(INI) httttha/data/agencies.csv --if-empty
	$(BIN)/sd_evolve --latest $(INI)
	$(BIN)/httttha-demo-data $(INI)

run: data
	@echo "Cổng công dân: http://127.0.0.1:6543/   Cán bộ: http://127.0.0.1:6543/manage"
	$(BIN)/pserve $(INI)

# Debian's chromium (browser tests), PostgreSQL (RelStorage tests) and nginx
# (the deployment test),
# installed when missing and we may (root); the tests skip nothing silently.
test-deps:
	@if [ "$$(id -u)" = 0 ]; then \
	  need=""; \
	  command -v chromium >/dev/null || need="$$need chromium"; \
	  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$$need postgresql"; \
	  command -v nginx >/dev/null || test -x /usr/sbin/nginx || need="$$need nginx"; \
	  if [ -n "$$need" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need >/dev/null; \
	  fi; \
	fi

test: install catalogs test-deps
	$(BIN)/pytest -q tests

clean:
	rm -rf var $(MO)

# the benchmark (issue 7): a separate database under var/bench, filled to
# N dossiers (reused when it holds them), then measured
N ?= 100000
bench: install catalogs
	mkdir -p var/bench
	$(BIN)/httttha-bench-data etc/bench.ini --dossiers $(N)
	$(BIN)/sd_evolve --latest etc/bench.ini
	$(BIN)/python -m httttha.scripts.bench --ini etc/bench.ini --dossiers $(N)
