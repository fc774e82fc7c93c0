"""``flask --app core loket ...``: the counter's scheduled jobs, run by hand by an operator.

The scheduler runs the same jobs (``plugins.loket.jobs``) on its own; these commands go through
the same runner, so a run by hand is the scheduler's run: one line per tenant, and one
municipality's failure does not stop the others.
"""

from __future__ import annotations

from flask.cli import AppGroup

from core.cli import run_job_from_cli

loket_cli = AppGroup("loket", help="The local childcare counter.")


@loket_cli.command("remind")
def remind():
    """Queue reminders for info sessions that start within two days."""
    run_job_from_cli("loket.remind")


@loket_cli.command("remind-deadlines")
def remind_deadlines():
    """Remind parents once whose offer must be answered within two days."""
    run_job_from_cli("loket.remind-deadlines")


@loket_cli.command("expire-proposals")
def expire_proposals():
    """Expire proposals past their parent deadline and tell the parents.

    In continuous allocation the freed places are offered to the next families at once.
    Running it twice changes nothing the second time.
    """
    run_job_from_cli("loket.expire-proposals")


@loket_cli.command("anonymise-closed")
def anonymise_closed_requests():
    """Erase names and contacts of requests closed beyond the tenant's retention period;
    the figures keep counting them."""
    run_job_from_cli("loket.anonymise-closed")
