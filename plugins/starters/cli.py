"""``flask --app core starters ...``: the starters module's scheduled work, run by hand."""

from __future__ import annotations

from flask.cli import AppGroup

from core.cli import run_job_from_cli

starters_cli = AppGroup("starters", help="Support for childcare starters.")


@starters_cli.command("settle-uploads")
def settle_uploads():
    """Finish uploads a dying worker left pending (the scheduled job ``starters.settle-uploads``,
    hourly): publish the file when its document row was committed, remove it when not."""
    run_job_from_cli("starters.settle-uploads")
