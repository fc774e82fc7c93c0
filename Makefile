# Opvangplein — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export OPVANGPLEIN_DATABASE_URL ?= sqlite:///$(CURDIR)/var/opvangplein.sqlite3

.PHONY: run test bench translations extract lint browser-deps system-deps

# Creates the virtualenv and installs the platform with its development tools.
$(VENV): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(MAKE) translations
	touch $(VENV)

# Compiles the core's and every plugin's catalogs.
translations:
	@for dir in core/translations plugins/*/translations tests/example_plugin/*/translations; do \
	  if [ -d $$dir/nl ]; then $(BIN)/pybabel compile --use-fuzzy -d $$dir -f >/dev/null 2>&1 || exit 1; fi; \
	done

# Migrates an SQLite database, loads the demo tenants, starts two local OpenID providers
# (127.0.0.1:9400 and :9401) with the demo users and serves on http://127.0.0.1:$(PORT).
run: $(VENV) system-deps
	mkdir -p var
	$(BIN)/flask --app core db upgrade
	$(BIN)/flask --app core tenants sync
	$(BIN)/flask --app core tenants demo
	$(BIN)/flask --app core users grant-admin --issuer http://127.0.0.1:9400 --subject platform-admin --name "Pat Platform"
	PORT=$(PORT) $(BIN)/python -m core.devstack

# Debian's Chromium drives the browser tests (Playwright's own browser download does not work here).
# Node runs the OpenID-certified oidc-provider of the sign-in tests; the tests themselves run
# `npm ci` in tests/support/node_provider when its node_modules is missing (a fresh clone).
browser-deps:
	@test -x /usr/bin/chromium || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
	@command -v npm >/dev/null || { apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null; }

# WeasyPrint (the starters' decision letters as PDF) needs Pango and a font from Debian.
system-deps:
	@ldconfig -p | grep -q libpangoft2-1.0 && test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || \
	  { apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; }

# The example plugin (tests/example_plugin, see docs/plugins.md) is a distribution of its own,
# found through its entry point like a third party's; the tests install it, `make run` does not.
EXAMPLE_PLUGIN := $(VENV)/.example-plugin
$(EXAMPLE_PLUGIN): tests/example_plugin/pyproject.toml | $(VENV)
	$(BIN)/pip install --quiet -e tests/example_plugin
	touch $@

# Runs the whole suite; with CI=true nothing may skip (PostgreSQL and browser tests included).
# Two pytest-xdist processes (one per core of the CI machine); tests sharing an expensive
# fixture stay on one worker (tests/support/xdist_groups.py). `make test TEST_WORKERS=0` runs
# it in one process.
TEST_WORKERS ?= 2
test: $(VENV) $(EXAMPLE_PLUGIN) browser-deps system-deps translations
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# Benchmarks print `name: value unit`; `make bench NAME=tenant_page` runs one.
bench: $(VENV)
	$(BIN)/python -m bench $(NAME)

lint: $(VENV)
	$(BIN)/ruff check core plugins tests bench
	$(BIN)/ruff format --check core plugins tests bench

# After changing user-facing strings: refresh the template and the Dutch catalog, then translate.
extract: $(VENV)
	$(BIN)/pybabel extract -F babel.cfg -k _l -o core/translations/messages.pot --no-location --sort-output --ignore-dirs='.venv tests bench' .
	$(BIN)/pybabel update -i core/translations/messages.pot -d core/translations -l nl --ignore-obsolete
	@for plugin in plugins/*/; do \
	  if [ -d $$plugin/translations ]; then \
	    $(BIN)/pybabel extract -F babel-plugin.cfg -k _l -o $$plugin/translations/messages.pot --no-location --sort-output $$plugin && \
	    $(BIN)/pybabel update -i $$plugin/translations/messages.pot -d $$plugin/translations -l nl --ignore-obsolete; \
	  fi; \
	done
