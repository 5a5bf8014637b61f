# The two commands: `make run` and `make test`. Everything else is a helper for them.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The test suite runs on this machine's PostgreSQL and Redis (see README).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/marketplace
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run run-full test test-fast test-browser test-faults install browser live hls-js demo-stream safety-report search-quality lock lint format messages bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check pip==26.3
	$(PY) -m pip install -q --disable-pip-version-check --require-hashes -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# Serve the demo. No configuration: SQLite, in-memory channel layer, eager Celery.
# With DATABASE_URL and REDIS_URL set: the full topology of the Procfile (nginx, two uvicorns, Celery workers, beat).
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@if [ -n "$$DATABASE_URL" ] && [ -n "$$REDIS_URL" ]; then \
		echo "DATABASE_URL and REDIS_URL are set: nginx on http://$(HOST):$(PORT)/ in front of uvicorn for pages and the API and uvicorn for the sockets, a Celery worker per queue and beat"; \
		$(PY) -c "import sys; from live.nginx_config import nginx_available; sys.exit(not nginx_available())" \
			|| { echo "the full topology's front is nginx with the RTMP module: make live installs it"; exit 2; }; \
		HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/honcho start -f Procfile; \
	else \
		echo "Serving the embedded demo on http://$(HOST):$(PORT)/"; \
		if $(PY) -c "import sys; from live.nginx_config import nginx_available; sys.exit(not nginx_available())"; then \
			LIVE_HOOK_BASE=http://$(HOST):$(PORT) $(PY) manage.py live_nginx & LIVE_NGINX_PID=$$!; \
			trap 'kill $$LIVE_NGINX_PID 2>/dev/null' EXIT; \
		else echo "(nginx with the RTMP module is not installed: rooms play without video; make live installs it)"; fi; \
		DEBUG=$${DEBUG:-0} $(VENV)/bin/uvicorn marketplace.asgi:application --host $(HOST) --port $(PORT); \
	fi

run-full: install live
	@test -n "$$DATABASE_URL" && test -n "$$REDIS_URL" || { echo "set DATABASE_URL and REDIS_URL"; exit 2; }
	$(MAKE) run

# The suite runs in TEST_PROCESSES pytest processes (pytest-xdist, whole files per process; each process has
# its own test database and Redis key prefixes). TEST_PROCESSES=0 runs it in one process. Three on two cores:
# many tests wait on servers, workers and timers (the suite 10:16 -> 9:04 on a slow machine); the browser
# tests stay at BROWSER_PROCESSES=2 (a third Chromium beside two once made a keyboard test miss its 10 s wait,
# and three measured no faster: 125-129 s against 132 s, the cores are full).
TEST_PROCESSES ?= 3
BROWSER_PROCESSES ?= 2
# Test users' passwords are hashed with MD5 (a million PBKDF2 rounds cost 0.4 s a user here); the servers and
# workers the tests start inherit it. Never in production (`check --deploy` refuses it: marketplace.E008).
# The test databases are copies of one migrated template per run (tests/db_template.py): one per `make`
# invocation, or the one .ci/run sets for all of CI's.
ifndef TEST_DB_TEMPLATE_RUN
TEST_DB_TEMPLATE_RUN := make-$(shell date +%s%N)-$(shell echo $$PPID)
endif
# PYTHONDONTWRITEBYTECODE= (empty: off) whatever the machine sets: the tests start a hundred-odd Python processes
# (servers, workers, manage.py), each compiling the project's modules again without their .pyc, and each pytest
# process rewriting every test module again (marketplace + accounts tests, 3 processes: 182 -> 170 s of CPU).
TEST_ENV = TEST_FAST_PASSWORD_HASHER=1 TEST_DB_TEMPLATE_RUN=$(TEST_DB_TEMPLATE_RUN) PYTHONDONTWRITEBYTECODE=
xdist = $(if $(filter 0,$(1)),,-n $(1) --dist loadfile --no-loadscope-reorder)
XDIST = $(call xdist,$(TEST_PROCESSES))
XDIST_BROWSER = $(call xdist,$(BROWSER_PROCESSES))

# The whole suite: unit, API, WebSocket and real-server tests, then the browser tests
# (separate pytest processes: Playwright's sync API and asyncio tests don't share a process; each browser
# process has its own Chromium, servers and test database). The read replica's test (marker `standby`) runs
# with the browser tests: a standby does not open for reads while the primary has a transaction open in which
# more than 64 savepoints wrote, and the sweep's module-wide transaction (tests/conftest.py `world`) becomes
# one as its tests run.
# The browser phase collects only the files that mark a test `browser` or `standby` (tests/browser_files.py; the
# first phase refuses such a test in any other file): collecting all ~270 test files took each of its processes
# 8-18 s here (2 s these 17), to deselect 1,800 tests. With PYTEST_ARGS (a path, -k …) it collects what they say.
BROWSER_FILES = $(if $(PYTEST_ARGS),,$(shell $(PY) -m tests.browser_files))

test: install browser live
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(TEST_ENV) $(PY) -m pytest -m "not browser and not standby and not faults" $(XDIST) $(PYTEST_ARGS)
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(TEST_ENV) $(PY) -m pytest -m "(browser or standby) and not faults" $(XDIST_BROWSER) $(PYTEST_ARGS) $(BROWSER_FILES)

test-fast: install live
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(TEST_ENV) $(PY) -m pytest -m "not browser and not slow and not faults" $(XDIST) $(PYTEST_ARGS)

test-browser: install browser
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(TEST_ENV) $(PY) -m pytest -m "browser and not faults" $(PYTEST_ARGS) $(BROWSER_FILES)

# Faults with the real services: restarts Redis and PostgreSQL, kills a Celery worker and the ASGI
# server (tests/faults/). Each test restores what it stopped; .ci/run runs this after `make test`.
test-faults: install
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(TEST_ENV) $(PY) -m pytest tests/faults -m faults -p no:randomly $(PYTEST_ARGS)

# Debian's Chromium and a CJK font (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null && fc-list :lang=zh | grep -q . && fc-list | grep -qi emoji || bash scripts/install-browser.sh

# Debian's nginx with the RTMP module and ffmpeg, for live shows and their tests (scripts/install-live.sh).
live:
	@test -f /usr/lib/nginx/modules/ngx_rtmp_module.so && command -v ffmpeg >/dev/null || bash scripts/install-live.sh

# The lock files: requirements.in (runtime) and requirements-dev.in (tools and tests) compiled with every
# transitive dependency and its hashes into requirements.txt and requirements-dev.txt (pip-tools).
lock: install
	$(VENV)/bin/pip-compile --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links -q -o requirements.txt requirements.in
	$(VENV)/bin/pip-compile --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links -q -o requirements-dev.txt requirements-dev.in

# Search quality on the labelled query set (catalog/search_quality/): recall@3 and nDCG@10 by query kind,
# with and without the English ⇄ Chinese dictionary; the test fails below the committed floors.
search-quality: install
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) SEARCH_QUALITY_REPORT=1 $(PY) -m pytest catalog/tests/test_search_quality.py -q -s -p no:randomly $(PYTEST_ARGS)

# The contact-detail detector's recall and false-positive rate on its labelled corpus (safety/corpus/).
safety-report: install
	$(PY) manage.py safety_report

# Refreshes the vendored hls.js (static/vendor/hls/) from npm; the version is pinned in the script.
hls-js:
	bash scripts/hls-js.sh

# A test stream (ffmpeg's testsrc + sine, H.264/AAC) to the demo show, as OBS would send it.
demo-stream: install live
	PY=$(PY) bash scripts/demo-stream.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: install
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --no-obsolete
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf var .pytest_cache test-artifacts

# --- Benchmarks (bench/, results in bench/out/, notes in bench/RESULTS.md) ----------------------
# Own databases (bench_*) and Redis DB 12 on the local PostgreSQL and Redis; never the developers'.
# `make bench BENCH_ARGS=--quick` for small sizes; BENCH_ARGS=--strict makes a MISSED target fail.
BENCH_ARGS ?=
.PHONY: bench-install bench-flash bench-catalog bench-chat bench-payout bench-checkout-queries bench-live bench-topology

$(VENV)/.bench-installed: bench/requirements.txt $(VENV)/.installed
	$(PY) -m pip install -q --disable-pip-version-check -r bench/requirements.txt
	touch $@

bench-install: install $(VENV)/.bench-installed

bench: bench-install
	$(PY) -m bench.run all $(BENCH_ARGS)

bench-flash: bench-install
	$(PY) -m bench.run flash $(BENCH_ARGS)

bench-catalog: bench-install
	$(PY) -m bench.run catalog $(BENCH_ARGS)

bench-chat: bench-install
	$(PY) -m bench.run chat $(BENCH_ARGS)

bench-payout: bench-install
	$(PY) -m bench.run payout $(BENCH_ARGS)

bench-checkout-queries: bench-install
	$(PY) -m bench.run checkout-queries $(BENCH_ARGS)

bench-live: bench-install
	$(PY) -m bench.run live $(BENCH_ARGS)

# Issue 20: the HTTP server behind the project's nginx, uvicorn + common/asgi.py against gunicorn (bench/topology.py).
bench-topology: bench-install
	$(PY) -m bench.topology --front $(BENCH_ARGS)
