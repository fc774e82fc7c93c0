"""Where documents are stored and how they are scanned: checked when the app starts, a pluggable
scanner, and a clamdscan-style command adapter (tested with a fake scanner script)."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest
from flask import Flask

from core.config import PROJECT_ROOT, ConfigurationError
from plugins.starters import uploads
from plugins.starters.scanning import (
    CommandScanner,
    ScanFailed,
    configured_scanner,
    load_callable,
    no_virus_scan,
)
from tests.plugins.starters.conftest import PDF, client_as, make_app, project_form, start, step_url
from tests.plugins.starters.conftest import upload as post_upload


def flask_app(**config) -> Flask:
    app = Flask("upload-settings-test")
    app.config.update(config)
    return app


# -- the upload directory ---------------------------------------------------------------------


def test_development_stores_below_the_project_var_folder_outside_every_static_folder():
    settings = uploads.configure(flask_app(), environ={})
    assert settings.files.root == PROJECT_ROOT / "var" / "uploads" / "starters"
    assert not any(
        settings.files.root.resolve().is_relative_to(s) for s in uploads.web_roots(flask_app())
    )
    assert settings.scanner is no_virus_scan


def test_production_refuses_to_start_without_an_upload_directory():
    with pytest.raises(ConfigurationError, match="OPVANGPLEIN_STARTERS_UPLOAD_DIR"):
        uploads.configure(flask_app(OPVANGPLEIN_ENV="production"), environ={})


def test_production_uses_the_directory_from_the_environment_and_warns_without_a_scanner(
    tmp_path, caplog
):
    app = flask_app(OPVANGPLEIN_ENV="production")
    settings = uploads.configure(app, environ={"OPVANGPLEIN_STARTERS_UPLOAD_DIR": str(tmp_path)})
    assert settings.files.root == tmp_path
    assert app.extensions[uploads.EXTENSION_KEY] is settings
    assert "no virus scanner configured" in caplog.text


@pytest.mark.parametrize(
    "directory",
    [PROJECT_ROOT / "core" / "static" / "uploads", PROJECT_ROOT / "plugins" / "ckg" / "static"],
)
def test_a_directory_inside_a_served_static_folder_is_refused(directory):
    with pytest.raises(ConfigurationError, match="web root"):
        uploads.configure(flask_app(STARTERS_UPLOAD_DIR=str(directory)), environ={})


def test_a_relative_directory_is_refused():
    with pytest.raises(ConfigurationError, match="absolute"):
        uploads.configure(flask_app(STARTERS_UPLOAD_DIR="var/uploads"), environ={})


def test_the_app_fails_at_start_up_not_at_the_first_upload(sqlite_settings):
    with pytest.raises(ConfigurationError, match="absolute"):
        make_app(sqlite_settings, STARTERS_UPLOAD_DIR="relatief/pad")


def test_a_production_app_without_an_upload_directory_does_not_start(sqlite_settings, monkeypatch):
    monkeypatch.delenv("OPVANGPLEIN_STARTERS_UPLOAD_DIR", raising=False)
    with pytest.raises(ConfigurationError, match="Refusing to start in production"):
        make_app(sqlite_settings, OPVANGPLEIN_ENV="production")


def test_files_are_kept_per_tenant_below_the_root(app, upload_dir):
    from tests.support.apps import tenant_id

    for slug in ("aalst", "brugge"):
        client = client_as(app, f"sofie-{slug}", ["starter"], slug)
        application_id = start(client, slug)
        client.post(step_url(application_id, "project", slug), data=project_form())
        assert post_upload(client, application_id, PDF, "plan.pdf", slug=slug).status_code == 303
        folder = upload_dir / str(tenant_id(app, slug)) / str(application_id)
        assert [path.stat().st_size for path in folder.iterdir()] == [len(PDF)]
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


# -- choosing the scanner ---------------------------------------------------------------------


def refuse_everything(data: bytes, filename: str) -> str | None:
    return "Test-Signature"


def test_a_scanner_is_chosen_by_dotted_path_or_as_a_callable():
    here = "tests.plugins.starters.test_upload_settings"
    assert load_callable(f"{here}:refuse_everything") is refuse_everything
    assert load_callable(f"{here}.refuse_everything") is refuse_everything
    assert configured_scanner({"STARTERS_VIRUS_SCANNER": refuse_everything}, {}) is (
        refuse_everything
    )
    environ = {"OPVANGPLEIN_STARTERS_VIRUS_SCANNER": f"{here}:refuse_everything"}
    assert configured_scanner({}, environ) is refuse_everything
    assert configured_scanner({}, {}) is None


@pytest.mark.parametrize(
    "dotted", ["plugins.starters.nowhere:scan", "plugins.starters.scanning:missing", "x", ""]
)
def test_a_scanner_path_that_does_not_load_stops_the_start(dotted):
    with pytest.raises(ConfigurationError, match="STARTERS_VIRUS_SCANNER"):
        load_callable(dotted)


def test_a_scanner_path_naming_something_not_callable_stops_the_start():
    with pytest.raises(ConfigurationError, match="not callable"):
        load_callable("plugins.starters.scanning:SCANNER_SETTING")


def test_scanner_and_command_together_are_ambiguous():
    with pytest.raises(ConfigurationError, match="not both"):
        configured_scanner(
            {"STARTERS_VIRUS_SCANNER": refuse_everything, "STARTERS_VIRUS_SCAN_COMMAND": "x"}, {}
        )


def test_the_command_setting_builds_the_command_adapter():
    scanner = configured_scanner(
        {},
        {
            "OPVANGPLEIN_STARTERS_VIRUS_SCAN_COMMAND": "clamdscan --no-summary --fdpass",
            "OPVANGPLEIN_STARTERS_VIRUS_SCAN_TIMEOUT": "5",
        },
    )
    assert scanner == CommandScanner(("clamdscan", "--no-summary", "--fdpass"), 5.0)
    with pytest.raises(ConfigurationError, match="seconds"):
        configured_scanner(
            {"STARTERS_VIRUS_SCAN_COMMAND": "clamdscan", "STARTERS_VIRUS_SCAN_TIMEOUT": "vijf"}, {}
        )


# -- the clamdscan-style command adapter, with a fake scanner ---------------------------------

FAKE_SCANNER = """#!{python}
# A stand-in for clamdscan: exit 1 and a FOUND line for files containing EICAR, exit 2 for files
# containing BROKEN, else exit 0. Records the arguments it was called with.
import sys
path = sys.argv[-1]
open({log!r}, "a").write(" ".join(sys.argv[1:]) + "\\n")
data = open(path, "rb").read()
if b"EICAR" in data:
    print(path + ": Eicar-Test-Signature FOUND")
    sys.exit(1)
if b"BROKEN" in data:
    print("ERROR: Could not connect to clamd", file=sys.stderr)
    sys.exit(2)
print(path + ": OK")
"""


@pytest.fixture
def fake_clamdscan(tmp_path) -> tuple[Path, Path]:
    log = tmp_path / "calls.log"
    script = tmp_path / "fake-clamdscan"
    script.write_text(FAKE_SCANNER.format(python=sys.executable, log=str(log)))
    script.chmod(0o700)
    return script, log


def test_exit_code_0_is_clean_and_the_file_name_never_reaches_the_command(fake_clamdscan):
    script, log = fake_clamdscan
    scanner = CommandScanner((str(script), "--no-summary"))
    assert scanner(PDF, "; rm -rf ~ .pdf") is None
    [call] = log.read_text().splitlines()
    assert call.startswith("--no-summary /") and call.endswith("/upload")
    assert "rm -rf" not in call


def test_exit_code_1_is_infected_and_names_what_was_found(fake_clamdscan):
    script, _ = fake_clamdscan
    assert CommandScanner((str(script),))(PDF + b"EICAR", "plan.pdf") == "Eicar-Test-Signature"


def test_any_other_exit_code_is_a_failed_scan(fake_clamdscan):
    script, _ = fake_clamdscan
    with pytest.raises(ScanFailed, match="exit code 2: ERROR: Could not connect to clamd"):
        CommandScanner((str(script),))(PDF + b"BROKEN", "plan.pdf")


def test_a_missing_command_or_a_timeout_is_a_failed_scan(tmp_path):
    with pytest.raises(ScanFailed, match="cannot run"):
        CommandScanner((str(tmp_path / "no-such-scanner"),))(PDF, "plan.pdf")
    slow = tmp_path / "slow"
    slow.write_text(f"#!{sys.executable}\nimport time\ntime.sleep(5)\n")
    slow.chmod(0o700)
    with pytest.raises(ScanFailed, match="no answer"):
        CommandScanner((str(slow),), timeout_seconds=0.2)(PDF, "plan.pdf")


def test_the_temporary_copy_is_gone_after_the_scan(fake_clamdscan):
    script, log = fake_clamdscan
    CommandScanner((str(script),))(PDF, "plan.pdf")
    scanned = Path(log.read_text().split()[-1])
    assert not scanned.exists() and not scanned.parent.exists()


# -- through the page -------------------------------------------------------------------------


def draft(app) -> tuple:
    client = client_as(app, "sofie", ["starter"])
    application_id = start(client)
    client.post(step_url(application_id, "project"), data=project_form())
    return client, application_id


def test_an_infected_file_is_refused_in_the_page_and_not_stored(
    sqlite_settings, tmp_path, fake_clamdscan
):
    script, _ = fake_clamdscan
    app = make_app(
        sqlite_settings,
        STARTERS_UPLOAD_DIR=str(tmp_path / "up"),
        STARTERS_VIRUS_SCAN_COMMAND=f"{script} --no-summary",
    )
    client, application_id = draft(app)
    response = post_upload(client, application_id, PDF + b"EICAR", "plan.pdf")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Eicar-Test-Signature" in page and 'href="#document-file"' in page
    assert str(tmp_path) not in page  # no server path in the message
    assert not (tmp_path / "up").exists()
    assert post_upload(client, application_id, PDF, "plan.pdf").status_code == 303


def test_a_failed_scan_refuses_the_file_with_a_clear_message(
    sqlite_settings, tmp_path, fake_clamdscan
):
    script, _ = fake_clamdscan
    app = make_app(
        sqlite_settings,
        STARTERS_UPLOAD_DIR=str(tmp_path / "up"),
        STARTERS_VIRUS_SCAN_COMMAND=str(script),
    )
    client, application_id = draft(app)
    response = post_upload(client, application_id, PDF + b"BROKEN", "plan.pdf")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "De virusscan kon niet voltooid worden, dus het bestand is niet bewaard." in page
    assert "clamd" not in page  # the technical reason goes to the log only
    assert not (tmp_path / "up").exists()


def test_a_scanner_that_crashes_fails_closed(sqlite_settings, tmp_path):
    def crashing(data: bytes, filename: str) -> str | None:
        raise RuntimeError("licence expired")

    app = make_app(
        sqlite_settings,
        STARTERS_UPLOAD_DIR=str(tmp_path / "up"),
        STARTERS_VIRUS_SCANNER=crashing,
    )
    client, application_id = draft(app)
    response = post_upload(client, application_id, PDF, "plan.pdf")
    assert response.status_code == 422
    assert "De virusscan kon niet voltooid worden" in response.get_data(as_text=True)
    assert not (tmp_path / "up").exists()
