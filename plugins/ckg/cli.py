"""``flask --app core ckg …``: the module's scheduled jobs, by hand (the scheduler runs them)."""

from __future__ import annotations

from flask.cli import AppGroup

from core.cli import run_job_from_cli

ckg_cli = AppGroup("ckg", help="Centre for Childcare and Family Support (CKG).")


@ckg_cli.command("anonymise-closed")
def anonymise_closed_command() -> None:
    """Anonymise referrals closed longer ago than each municipality's retention period."""
    run_job_from_cli("ckg.anonymise-closed")


@ckg_cli.command("escalate-crises")
def escalate_crises_command() -> None:
    """Alert again, wider, for crisis referrals nobody received within the set time."""
    run_job_from_cli("ckg.escalate-crises")
