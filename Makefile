# The verbs a newcomer needs. Everything installs into .venv from requirements.lock.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < requirements.lock | cut -d' ' -f1)
PYTEST_ARGS ?=

.PHONY: install bootstrap run test lint lock serve worker clean audit check-releases fuzz load snapshot types typescript apilint backup restore contract

$(STAMP): requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

bootstrap: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_content
	$(BIN)/python manage.py ensure_admin

# The site, and beside it the worker that sends webhook deliveries (docs/webhooks.md).
# Ctrl-C stops both.
run: bootstrap
	$(BIN)/python manage.py db_worker --backend webhooks --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The workers production runs beside `make serve`, with the same settings: one sends webhook
# deliveries, one re-renders the API answers a change made stale, one makes an uploaded or
# changed image's renditions (with REDIS_URL set; without it the process that made the change
# does both). Ctrl-C stops all three.
worker: install
	mkdir -p $(PROMETHEUS_MULTIPROC_DIR)
	export PROMETHEUS_MULTIPROC_DIR=$(PROMETHEUS_MULTIPROC_DIR); \
	$(BIN)/python manage.py db_worker --backend cache --interval 0.2 & cache_worker=$$!; \
	$(BIN)/python manage.py db_worker --backend media --interval 0.5 & media_worker=$$!; \
	trap 'kill $$cache_worker $$media_worker 2>/dev/null' EXIT; \
	$(BIN)/python manage.py db_worker --backend webhooks

# The TypeScript check and the OpenAPI lint are their own steps (make typescript, make apilint),
# not run twice by CI's two suites.
test: bootstrap
	$(BIN)/python -m pytest -m "not typescript and not apilint" $(PYTEST_ARGS)

# Types for a frontend, in $(TYPES_DIR): the JSON Schema, the OpenAPI document, and api.d.ts
# generated from the document by openapi-typescript (the version tests/typescript pins).
TYPES_DIR ?= frontend-types
OPENAPI_TYPESCRIPT_VERSION := 7.13.0
types: install
	mkdir -p $(TYPES_DIR)
	$(BIN)/python manage.py export_api_schema --output $(TYPES_DIR)/api-schema.json
	$(BIN)/python manage.py export_api_schema --openapi --output $(TYPES_DIR)/openapi.json
	npx --yes openapi-typescript@$(OPENAPI_TYPESCRIPT_VERSION) $(TYPES_DIR)/openapi.json \
		--output $(TYPES_DIR)/api.d.ts

# tests/typescript/render.ts, a frontend's renderer, compiled with tsc --strict against them;
# and every demo page's JSON-LD (structured_data) against schema.org's types, schema-dts.
typescript: install
	$(BIN)/python -m pytest -p no:cacheprovider -m typescript tests/test_typescript.py \
		tests/test_structured_data_types.py

# The OpenAPI document the code builds, linted by Redocly CLI (recommended) and Spectral
# (spectral:oas) at the versions tests/apilint/package-lock.json pins: 0 errors, and only the
# warnings docs/api-types.md justifies.
apilint: install
	$(BIN)/python -m pytest -p no:cacheprovider -m apilint tests/test_api_lint.py

# ruff (style, imports at the top), and import-linter: the layers of docs/architecture.md.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Production: gunicorn with cms.settings.production; the environment it needs is in
# docs/production.md. Its workers (and `make worker`'s, on the same machine) count metrics in
# files under PROMETHEUS_MULTIPROC_DIR, emptied at each start, so /metrics adds them all up.
WEB_CONCURRENCY ?= 3
PROMETHEUS_MULTIPROC_DIR ?= $(CURDIR)/.prometheus
serve: install
	DJANGO_SETTINGS_MODULE=cms.settings.production $(BIN)/python manage.py collectstatic --noinput -v0
	DJANGO_SETTINGS_MODULE=cms.settings.production $(BIN)/python manage.py migrate --noinput
	rm -rf $(PROMETHEUS_MULTIPROC_DIR) && mkdir -p $(PROMETHEUS_MULTIPROC_DIR)
	PROMETHEUS_MULTIPROC_DIR=$(PROMETHEUS_MULTIPROC_DIR) \
	DJANGO_SETTINGS_MODULE=cms.settings.production $(BIN)/gunicorn cms.wsgi \
		--workers $(WEB_CONCURRENCY) --bind 0.0.0.0:$(PORT) --access-logfile - \
		--max-requests 2000 --max-requests-jitter 200

# Known vulnerabilities in the locked dependencies (PyPI's advisory data, via pip-audit).
audit: install
	$(BIN)/pip-audit --requirement requirements.lock --no-deps --disable-pip --strict \
		--vulnerability-service pypi --progress-spinner off

# Pins of Django, Wagtail, DRF, Pillow, cryptography and gunicorn older than the newest patch
# release of their series (works wherever the package index does; see the script).
check-releases: install
	$(BIN)/python bin/check_patch_releases.py

# The API under thousands of generated requests (CI runs a few hundred in the test suite):
# our own generator, and schemathesis reading the published OpenAPI document (per operation).
FUZZ_EXAMPLES ?= 5000
CONTRACT_FUZZ_EXAMPLES ?= 300
fuzz: install
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) CONTRACT_FUZZ_EXAMPLES=$(CONTRACT_FUZZ_EXAMPLES) \
		$(BIN)/python -m pytest tests/test_fuzz_api.py tests/test_fuzz_contract.py -p no:cacheprovider

# The whole stack on 127.0.0.1 (PostgreSQL, Redis, moto S3, two gunicorn servers, both workers
# and a fake CDN) under a mixed load while a reviewer publishes, for LOAD_SECONDS: req/s, p99,
# hits at the CDN and the app, 5xx and stale answers (goal 0 and 0); see bench/stack_load.py.
# Everything it starts is stopped at the end, Ctrl-C included.
LOAD_SECONDS ?= 60
load: install
	LOAD_SECONDS=$(LOAD_SECONDS) $(BIN)/python bench/stack_load.py

# The committed contract, docs/openapi.json, and docs/webhooks.md's table of events: tests fail
# until they match the code, so a change to the API shows as a diff of these files in review.
snapshot: install
	$(BIN)/python manage.py export_api_schema --openapi --output docs/openapi.json
	$(BIN)/python manage.py webhook_events_doc

# The contract's version gate: the change from docs/openapi.json at the merge base with main
# (CONTRACT_BASE=<ref> to choose) to the document the code builds, classified as breaking,
# deprecated or added, needs its version bump and its entry in docs/api-changelog.md.
CONTRACT_BASE ?=
contract: install
	$(BIN)/python bin/api_contract.py $(if $(CONTRACT_BASE),--base $(CONTRACT_BASE))

# One dated archive of the database, the media and a manifest (docs/production.md#backups), in
# $(BACKUP_DIR); and its restore into an empty database and media store, checked against it.
BACKUP_DIR ?= backups
backup: install
	$(BIN)/python manage.py backup --output-dir $(BACKUP_DIR)

restore: install
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=$(BACKUP_DIR)/backup-<time>.tar"; exit 2; }
	$(BIN)/python manage.py restore $(BACKUP)

# Regenerate requirements.lock after editing pyproject.toml.
lock:
	$(BIN)/python -m pip install -q uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) db.sqlite3 media .test-media static
