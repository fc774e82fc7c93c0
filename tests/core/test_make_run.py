"""`make run`, the README's first command, from the side of a newcomer: the demo platform comes
up, a parent registers for an info session through the real form, and the confirmation mail
reaches the dev mail page through the job worker (never sent inside the request)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from core.devstack import CITIZEN_PORT, MAIL_PORT, ORGANISATION_PORT
from core.localnet import free_port, wait_until_up

ROOT = Path(__file__).resolve().parents[2]


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture()
def running_stack(tmp_path):
    busy = [p for p in (ORGANISATION_PORT, CITIZEN_PORT, MAIL_PORT) if port_in_use(p)]
    assert not busy, f"ports {busy} are taken (is a `make run` still running?)"
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("OPVANGPLEIN_")}
    environment.update(
        OPVANGPLEIN_DATABASE_URL=f"sqlite:///{tmp_path}/demo.sqlite3",
        OPVANGPLEIN_DEV_MAIL_DIR=str(tmp_path / "var" / "mail"),
        PORT=str(port),
    )
    log = (tmp_path / "make-run.log").open("w")
    stack = subprocess.Popen(
        ["make", "--no-print-directory", "run"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/", 180)
        yield f"http://127.0.0.1:{port}"
    except RuntimeError:
        log.flush()
        raise AssertionError((tmp_path / "make-run.log").read_text()[-3000:]) from None
    finally:
        os.killpg(stack.pid, signal.SIGTERM)
        try:
            stack.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(stack.pid, signal.SIGKILL)
        log.close()


def test_make_run_mails_an_info_session_seat_to_the_dev_mail_page(running_stack):
    base = running_stack
    parent = requests.Session()
    page = parent.get(f"{base}/t/heusden-zolder/loket/infosessies", timeout=10)
    assert page.status_code == 200
    action = re.search(
        r'action="(/t/heusden-zolder/loket/infosessies/[^"]+/inschrijven)"', page.text
    )
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
    assert action and token, "the info session page has no registration form"
    started = time.monotonic()
    answer = parent.post(
        base + action.group(1),
        data={
            "csrf_token": token.group(1),
            "name": "Nieuwe Ouder",
            "email": "nieuw.ouder@example.be",
        },
        timeout=10,
    )
    answered_in = time.monotonic() - started
    assert answer.status_code == 200, (
        re.findall(r"utrecht-form-field-error-message[^>]*>([^<]+)", answer.text)
        or answer.text[-1500:]
    )
    assert "We hebben je een e-mail gestuurd" in answer.text
    assert answered_in < 2, f"the parent waited {answered_in:.1f} s"

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        post = requests.get(f"{base}/dev/post", timeout=10).text
        if "nieuw.ouder@example.be" in post:
            break
        time.sleep(0.5)
    else:
        raise AssertionError("no mail for nieuw.ouder@example.be on /dev/post within 60 s")
    assert "Infosessie e-loket Heusden-Zolder" in post
