"""A municipality's IT department learns what its configuration lacks before it goes live:
``flask --app core doctor`` lists each problem with its fix, production refuses with those lines."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import pytest

from core.config import PROJECT_ROOT, ConfigurationError, Settings
from core.deployment import refuse_unless_deployable
from core.doctor import configuration_findings
from tests.support.apps import probe_app

READY = Settings(
    env="production",
    secret_key="y" * 40,
    database_url="postgresql+psycopg://app@db/opvangplein",
    platform_database_url="postgresql+psycopg://platform@db/opvangplein",
    secure_cookies=True,
    secrets_keys="k1:" + "A" * 44,
    smtp_host="relay.gemeente.be",
    redis_url="redis://redis:6379/0",
    public_url="https://opvangplein.gemeente.be",
)

DANGEROUS = {
    "sqlite at its own path": ({"database_url": "sqlite:////srv/opvangplein.sqlite3"}, "SQLite"),
    "the default public address": ({"public_url": "http://127.0.0.1:5000"}, "PUBLIC_URL"),
    "a plain-http public address": ({"public_url": "http://opvangplein.be"}, "https"),
    "no mail relay": ({"smtp_host": ""}, "SMTP_HOST"),
    "no job queue": ({"redis_url": ""}, "REDIS_URL"),
}


def test_a_complete_production_configuration_has_no_findings():
    assert configuration_findings(READY) == []
    READY.check()


@pytest.mark.parametrize("name", sorted(DANGEROUS))
def test_production_refuses_a_dangerous_setting_with_one_line_and_its_fix(name):
    changes, words = DANGEROUS[name]
    settings = dataclasses.replace(READY, **changes)
    with pytest.raises(ConfigurationError) as refused:
        settings.check()
    lines = str(refused.value).splitlines()
    assert lines[0] == "Refusing to start in production:"
    assert len(lines) == 2 and words in lines[1] and " — " in lines[1]


def production_environment(**extra) -> dict:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("OPVANGPLEIN_")
    }
    environment.update(
        OPVANGPLEIN_ENV="production",
        OPVANGPLEIN_DATABASE_URL="sqlite:////tmp/never-created.sqlite3",
        **extra,
    )
    return environment


def test_gunicorn_stops_with_the_problems_and_no_traceback(tmp_path):
    started = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            "127.0.0.1:0",
            "--workers",
            "1",
            "core.wsgi:application",
        ],
        cwd=PROJECT_ROOT,
        env=production_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode != 0
    assert "Refusing to start in production:" in started.stderr
    assert "- OPVANGPLEIN_SECRET_KEY: is the development default" in started.stderr
    assert "- OPVANGPLEIN_DATABASE_URL: is SQLite" in started.stderr
    assert "Traceback" not in started.stderr


def test_doctor_lists_each_problem_of_the_development_defaults(sqlite_settings):
    app = probe_app(sqlite_settings)
    shipped = dataclasses.replace(sqlite_settings, tenants_dir=PROJECT_ROOT / "tenants")
    app.extensions["opvangplein.settings"] = shipped
    result = app.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert all(line.startswith("✗ ") for line in lines)
    assert any("OPVANGPLEIN_DATABASE_URL: is SQLite" in line for line in lines)
    assert any("OPVANGPLEIN_SMTP_HOST" in line for line in lines)
    assert any("deinze.toml" in line and "demo" in line for line in lines)
    assert "Traceback" not in result.output


def test_production_start_up_refuses_a_schema_behind_its_migrations(sqlite_settings):
    app = probe_app(sqlite_settings)
    refuse_unless_deployable(app)  # migrated: nothing to refuse
    runner = app.test_cli_runner()
    stepped = runner.invoke(args=["db", "downgrade", "loket", "loket_0003"])
    assert stepped.exit_code == 0, stepped.output
    with pytest.raises(ConfigurationError, match="not at the newest version for loket"):
        refuse_unless_deployable(app)
    assert app.test_client().get("/readyz").json["checks"]["migrations"]["behind"] == ["loket"]
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    refuse_unless_deployable(app)


def test_downgrading_an_unknown_target_says_which_exist(sqlite_settings):
    result = (
        probe_app(sqlite_settings)
        .test_cli_runner()
        .invoke(args=["db", "downgrade", "lokett", "lokett_0001"])
    )
    assert result.exit_code != 0
    assert "no migrations named 'lokett'" in result.output and "loket" in result.output
