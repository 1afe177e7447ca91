# The two commands README gives: `make serve` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install messages serve test audit-tools test-browser test-postgres lint migrations-check bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,browser]"
	touch $(STAMP)

# The interface's translations (locale/*/LC_MESSAGES/django.po), compiled to the
# .mo files Django reads (not committed). Needs msgfmt (the gettext package).
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

install: $(STAMP) $(CATALOGUES)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(STAMP)
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages --locale $* --ignore '.venv' --ignore 'node_modules'

# After changing a template or a marked string: update the catalogues, then
# translate the new entries (docs/i18n.md).
messages: $(STAMP)
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages --locale fr --locale es --no-obsolete --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'bench/*' --ignore 'tests/*' --ignore 'staticfiles/*' --add-location file

# Install, create the SQLite database, load the content (only into an empty
# database) and serve the site at http://127.0.0.1:8000/.
serve: $(STAMP) $(CATALOGUES)
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_content
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

# The whole test suite (SQLite by default; set DATABASE_URL for PostgreSQL), in two
# runs: the tests without a browser spread over every core (pytest-xdist, -n auto),
# then the browser tests and audits alone, one at a time (Chromium and Lighthouse
# measure pages; a second test competing for the cores would make them flaky). The
# two -m expressions complement each other, so together they run every test.
# PYTEST_ARGS (options such as -x) goes to both runs.
test: $(STAMP) $(CATALOGUES) audit-tools
	$(BIN)/python -m pytest -n auto -m "not browser" $(PYTEST_ARGS)
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

# The HTML checker and Lighthouse need npm; without it their audits are skipped
# (and say so), the rest of the suite runs.
audit-tools:
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory node_modules/.package-lock.json; \
	else echo "npm not found: the HTML-checker and Lighthouse audits will be skipped"; fi

# The browser tests alone: journeys, axe, the Nu Html Checker and Lighthouse in
# Chromium (/usr/bin/chromium). Screenshots and reports go to artifacts/. Here a
# skipped browser test is an error (KB_REQUIRE_BROWSER=1).
test-browser: $(STAMP) $(CATALOGUES) node_modules/.package-lock.json
	KB_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -m browser -rs tests/browser $(PYTEST_ARGS)

# The audit tools pinned in package.json (vnu-jar, lighthouse); no install scripts.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

test-postgres:
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kb} $(MAKE) --no-print-directory test

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

migrations-check: $(STAMP)
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# Build a PostgreSQL database at scale and measure the production server (bench/README.md).
bench: $(STAMP)
	bench/run

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
