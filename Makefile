# `make run` and `make test` set themselves up on a fresh machine.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
RUN_HOST ?= 127.0.0.1
RUN_PORT ?= 8000
STANDIN_PORT ?= 8001

.PHONY: run test lint messages install clean lock container-test

# Exactly the locked versions, each checked against its hash; then the project itself (no dependencies).
$(STAMP): requirements-dev.lock pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --require-hashes -r requirements-dev.lock
	$(PIP) install --quiet --no-deps -e .
	touch $(STAMP)

# After changing dependencies in pyproject.toml: both lock files anew (every version pinned, with hashes).
LOCK := $(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url
lock: $(STAMP)
	$(LOCK) -o requirements.lock pyproject.toml
	$(LOCK) --extra dev -o requirements-dev.lock pyproject.toml

# The image built and checked running with host networking only (.ci/container-test); needs root.
container-test:
	bash .ci/container-test

install: $(STAMP)

run: $(STAMP)
	mkdir -p var
	NCR_ENV=dev $(PY) manage.py migrate --noinput
	NCR_ENV=dev $(PY) manage.py load_demo_data
	NCR_ENV=dev RUN_HOST=$(RUN_HOST) RUN_PORT=$(RUN_PORT) STANDIN_PORT=$(STANDIN_PORT) $(PY) -m ncregister.devserver

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Needs GNU gettext (Debian package `gettext`).
# Each app keeps its own catalog (<app>/locale); the project's covers ncregister/ and templates/.
MAKEMESSAGES := makemessages --locale nl --no-obsolete --no-location
messages: $(STAMP)
	$(PY) manage.py $(MAKEMESSAGES) --ignore '.venv/*' --ignore 'accounts/*' --ignore 'submissions/*' --ignore 'tests/*' --ignore 'benchmarks/*'
	cd accounts && ../$(PY) ../manage.py $(MAKEMESSAGES) --ignore 'standin/*'
	cd submissions && ../$(PY) ../manage.py $(MAKEMESSAGES)
	$(PY) -m ncregister.compile_messages

clean:
	rm -rf $(VENV) var staticfiles
