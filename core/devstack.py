"""``make run``: two local OpenID providers, a mail catcher, the job worker and its scheduler,
then the platform itself.

Development only. The providers are oidc-provider-mock (a real OpenID provider); the demo tenants'
files point at them: port 9400 for organisation accounts (municipal staff and partners), port
9401 for citizens (parents, starters). Mail goes to an SMTP sink on 127.0.0.1:8025 and shows at
http://127.0.0.1:5000/dev/post. The Celery worker and beat run on the embedded SQLite broker
(``var/broker.sqlite3``) unless ``OPVANGPLEIN_BROKER_URL`` or ``OPVANGPLEIN_REDIS_URL`` names
another: a fresh machine needs no Redis.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

from core.config import Settings
from core.dev_mail import MailSink
from core.localnet import wait_until_up

ORGANISATION_PORT = 9400
CITIZEN_PORT = 9401
MAIL_PORT = 8025

ORGANISATION_USERS = [
    {"sub": "platform-admin", "name": "Pat Platform", "email": "platform@opvangplein.test"},
    {
        "sub": "beheerder-hz",
        "name": "Hanne Beheerder",
        "email": "beheer@heusden-zolder.test",
        "email_verified": True,
        "roles": ["heusden-zolder-admin"],
    },
    {
        "sub": "beheerder-herenthout",
        "name": "Herman Beheerder",
        "email": "beheer@herenthout.test",
        "email_verified": True,
        "roles": ["herenthout-admin"],
    },
    {
        "sub": "beheerder-deinze",
        "name": "Dirk Beheerder",
        "email": "beheer@deinze.test",
        "email_verified": True,
        "roles": ["deinze-admin"],
    },
    {
        "sub": "loket-hz",
        "name": "Lotte Loket",
        "email": "loket@heusden-zolder.test",
        "email_verified": True,
        "roles": ["heusden-zolder-loket"],
    },
    {
        "sub": "ckg-karim",
        "name": "Karim CKG",
        "email": "karim@ckg-limburg.test",
        "email_verified": True,
        "org": "ckg-limburg",
    },
    {
        "sub": "ckg-els",
        "name": "Els CKG",
        "email": "els@ckg-oost-vlaanderen.test",
        "email_verified": True,
        "org": "ckg-oost-vlaanderen",
    },
    {
        "sub": "school-sara",
        "name": "Sara School",
        "email": "sara@cvo-limburg.test",
        "email_verified": True,
        "org": "cvo-limburg",
    },
    {
        "sub": "opvang-pieter",
        "name": "Pieter Speelboom",
        "email": "pieter@speelboom.test",
        "email_verified": True,
        "org": "kdv-de-speelboom",
    },
]
CITIZEN_USERS = [
    {"sub": "ouder-an", "name": "An Ouder", "email": "an@ouders.test", "email_verified": True},
    {
        "sub": "starter-sofie",
        "name": "Sofie Starter",
        "email": "sofie@starters.test",
        "email_verified": True,
        "roles": ["starter"],
    },
]


def provider_command(port: int, users: list[dict]) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "oidc_provider_mock",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    for user in users:
        command += ["--user-claims", json.dumps(user)]
    return command


def celery_command(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "core.worker", *arguments, "--loglevel=INFO"]


def _stop_on_terminate(signum, frame) -> None:
    raise KeyboardInterrupt  # so the clean-up below ends the children on `kill` as on Ctrl-C


def main() -> None:
    signal.signal(signal.SIGTERM, _stop_on_terminate)
    port = os.environ.get("PORT", "5000")
    settings = Settings.from_environ()
    # The caught mail, the embedded broker and beat's schedule live here; a directory named in
    # OPVANGPLEIN_DEV_MAIL_DIR may not exist yet.
    settings.dev_mail_dir.mkdir(parents=True, exist_ok=True)
    mail_sink = MailSink(port=MAIL_PORT, directory=settings.dev_mail_dir).start()
    environment = {
        **os.environ,
        # The dev stack's mail catcher, unless the developer points at another relay.
        "OPVANGPLEIN_SMTP_HOST": os.environ.get("OPVANGPLEIN_SMTP_HOST", "127.0.0.1"),
        "OPVANGPLEIN_SMTP_PORT": os.environ.get("OPVANGPLEIN_SMTP_PORT", str(MAIL_PORT)),
        # The mock provider accepts any client secret; the tenant files name this variable.
        "OPVANGPLEIN_IDP_DEMO_SECRET": os.environ.get("OPVANGPLEIN_IDP_DEMO_SECRET", "demo-secret"),
    }
    beat_schedule = settings.dev_mail_dir.parent / "beat-schedule"
    processes = [
        subprocess.Popen(provider_command(ORGANISATION_PORT, ORGANISATION_USERS)),
        subprocess.Popen(provider_command(CITIZEN_PORT, CITIZEN_USERS)),
        subprocess.Popen(celery_command("worker", "--pool=solo"), env=environment),
        subprocess.Popen(celery_command("beat", "--schedule", str(beat_schedule)), env=environment),
    ]
    try:
        for provider_port in (ORGANISATION_PORT, CITIZEN_PORT):
            wait_until_up(f"http://127.0.0.1:{provider_port}/.well-known/openid-configuration")
        app = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "flask",
                "--app",
                "core",
                "run",
                "--host",
                "127.0.0.1",
                "--port",
                port,
            ],
            env=environment,
        )
        processes.append(app)
        app.wait()
    except KeyboardInterrupt:
        pass
    finally:
        mail_sink.stop()
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    main()
