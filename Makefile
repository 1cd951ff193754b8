# The two commands: `make run` and `make test`. Everything they need is installed
# from here, so a fresh machine of this kind needs nothing done by hand.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(abspath $(VENV))/bin
HOST ?= 127.0.0.1
PORT ?= 8080
# the scheduled jobs' runner that `make run` starts beside the web server writes here
SCHEDULER_LOG ?= instance/scheduler.log
# the national database's stand-in receiver that `make run` starts too (SYNC_ENDPOINT's
# default; its demo accounts are config.DEV_SYNC_CREDENTIALS)
STANDIN_PORT ?= 8099
STANDIN_LOG ?= instance/standin.log
export FLASK_APP := app
export PYTHONDONTWRITEBYTECODE := 1

# Debian packages: the browser for UI tests, PostgreSQL's binaries for a
# throwaway test cluster where no server answers, a font with Vietnamese glyphs,
# pdftotext to read back the printed record in tests, pdfsig and NSS's certutil to
# check signed PDFs independently, SoftHSM2 as the PKCS#11 token of the signing tests.
SYSTEM_PACKAGES := chromium postgresql fonts-dejavu-core poppler-utils softhsm2 libnss3-tools
# An S3-compatible server (from the npm registry, with the machine's Node.js) for the
# tests of the S3 file store.
S3RVER := .cache/s3rver/node_modules/.bin/s3rver
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: run serve test bench install install-dev system-deps migrate demo translations messages clean mail-catcher

run: install translations
	HOSO_ENV=development $(BIN)/flask db upgrade
	HOSO_ENV=development $(BIN)/flask catalogs load
	HOSO_ENV=development $(BIN)/flask seed-demo
	HOSO_ENV=development $(BIN)/flask reports rebuild --if-empty
	@echo "HoSo CBCCVC: http://$(HOST):$(PORT)"
	@# the scheduled jobs' runner and the national database's stand-in (README "National
	@# sync") beside the web server, stopped with it (Ctrl-C)
	HOSO_ENV=development $(BIN)/flask scheduler run > $(SCHEDULER_LOG) 2>&1 & \
	  scheduler=$$!; \
	  $(BIN)/python -m app.sync.standin --port $(STANDIN_PORT) --store instance/standin.json > $(STANDIN_LOG) 2>&1 & \
	  standin=$$!; trap 'kill $$scheduler $$standin 2>/dev/null' EXIT INT TERM; \
	  echo "Scheduled jobs: flask scheduler run (log: $(SCHEDULER_LOG))"; \
	  echo "National database stand-in: http://127.0.0.1:$(STANDIN_PORT) (log: $(STANDIN_LOG))"; \
	  HOSO_ENV=development HOST=$(HOST) PORT=$(PORT) $(BIN)/python run.py

# A local SMTP catcher for the demo's mail (README: "Mail in the demo"): prints every
# message it receives; point the app at it with MAIL_SERVER=127.0.0.1 MAIL_PORT=1025.
mail-catcher: install-dev
	$(BIN)/python -m aiosmtpd -n -l 127.0.0.1:1025

# Production serving (docs/deploy.md): the release's deploy step (migrations as
# DATABASE_OWNER_URL, roles, catalogs), then gunicorn with deploy/gunicorn.conf.py on
# HOST:PORT. HOSO_ENV and the keys come from the environment (production unless told);
# a local try on loopback: `HOSO_ENV=development make serve`.
serve: install translations
	$(BIN)/flask deploy
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn -c deploy/gunicorn.conf.py

# Two workers on this 2-core machine (pytest-xdist; each worker has its own database);
# work stealing evens out the long access-matrix tests. The slowest 15 are printed.
TEST_WORKERS ?= 2
test: install-dev system-deps $(S3RVER)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal --durations=15 $(PYTEST_ARGS)

$(S3RVER):
	npm install --prefix .cache/s3rver --no-audit --no-fund --silent s3rver@3.7.1

# Province scale (5,000 units, 200,000 employees) on PostgreSQL: scoped vs unscoped
# lists, approving 500 versions with signatures vs without, the record PDF rendered vs
# rendered and signed twice, then the main pages served by gunicorn against their bare
# queries and a 2-minute load test of 50 users (bench/http_bench.py); the province yearly
# report over the reporting facts against hand-written SQL (bench/report_bench.py); the
# search page and the overview against their SQL run bare (bench/search_bench.py). With
# BENCH_DATABASE=name the province with records is made once under that name and reused
# by both (and the next runs) instead of one fresh database each (bench/database.py).
bench: install-dev system-deps translations
	$(BIN)/python -m bench.scope_bench $(BENCH_ARGS)
	$(BIN)/python -m bench.approval_bench $(APPROVAL_BENCH_ARGS)
	$(BIN)/python -m bench.pdf_bench $(PDF_BENCH_ARGS)
	$(BIN)/python -m bench.http_bench $(HTTP_BENCH_ARGS)
	$(BIN)/python -m bench.report_bench $(REPORT_BENCH_ARGS)
	$(BIN)/python -m bench.search_bench $(SEARCH_BENCH_ARGS)

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	# oscrypto 1.3.0 cannot read "OpenSSL 3.0.1x" (STACK-NOTES, docs/signing.md)
	$(BIN)/python app/signing/oscrypto_patch.py
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/python app/signing/oscrypto_patch.py
	touch $@

system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	[ -e /usr/lib/softhsm/libsofthsm2.so ] || missing="$$missing softhsm2"; \
	command -v certutil >/dev/null || missing="$$missing libnss3-tools"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi

# Compile the Vietnamese catalogue (the compiled .mo is committed too; a test
# fails when it is stale).
translations: install
	$(BIN)/pybabel compile -d translations -D messages >/dev/null

# Re-extract every msgid (ours and Flask-AppBuilder's) and merge into vi.
messages: install
	$(BIN)/python -m app.core.i18n extract translations/messages.pot
	$(BIN)/pybabel update -i translations/messages.pot -d translations -l vi --no-fuzzy-matching --ignore-obsolete -w 100

migrate: install
	HOSO_ENV=development $(BIN)/flask db upgrade

clean:
	rm -rf $(VENV) instance/hoso.db
