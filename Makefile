# The two commands of the README: `make run` and `make test`.
.PHONY: run test lint format migrations-check messages

run:  ## Set up (first time) and run the portal with demo data on 127.0.0.1:8000
	bash scripts/run.sh

test:  ## Install test dependencies and run the whole suite (SQLite, then PostgreSQL + OpenSearch, then PostgreSQL + Elasticsearch)
	bash scripts/test.sh

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/lint-imports

format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

migrations-check:
	DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python manage.py makemigrations --check --dry-run

messages:  ## Update the Vietnamese catalogue after changing UI strings, then translate and compile it
	.venv/bin/python manage.py makemessages -l vi --no-obsolete --add-location file
	.venv/bin/python manage.py compilemessages -l vi
