"""``flask --app core training …``: the training module's scheduled work, run by hand."""

from __future__ import annotations

from flask.cli import AppGroup

from core.cli import run_job_from_cli

training_cli = AppGroup("training", help="Childcare worker training.")


@training_cli.command("remind")
def remind_command() -> None:
    """Queue one reminder per registration of an info session that starts within two days
    (the scheduled job ``training.remind``, hourly; running it again sends nothing twice)."""
    run_job_from_cli("training.remind")
