"""Decision letters: the municipality's decision on an application as a PDF the starter keeps.

A municipal decision must state its motivation (formele motiveringsplicht, law of 29 July 1991)
and the ways to contest it with their terms (openbaarheid van bestuur), so the letter carries,
per measure, the decision, its motivation, the amount and the measure's conditions, and then the
appeal route and term. The layout is the plugin's template (``starters/letters/decision.html``);
each municipality words the opening, the appeal route, its term and the signature in the module's
settings (see ``plugin.MANIFEST``), with sensible defaults here.

The letter is always in Dutch: Flemish municipalities take their decisions in Dutch (the language
legislation in administrative matters), whatever language the starter reads the platform in.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from flask import render_template
from flask_babel import force_locale

from core.file_store import FileStore
from core.local_time import local_date
from core.richtext import render_rich_text
from plugins.starters import services
from plugins.starters.letter_defaults import (
    DEFAULT_APPEAL_DAYS,
    DEFAULT_APPEAL_ROUTE,
    DEFAULT_OPENING,
    DEFAULT_SIGNATORY,
)
from plugins.starters.models import Application, DecisionLetter, SupportMeasure

LETTER_LANGUAGE = "nl"
MAX_LETTER_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class LetterTexts:
    """The texts a municipality sets for its letters (empty settings fall back to defaults)."""

    opening: str
    appeal_route: str
    appeal_days: int
    signatory: str
    contact_email: str

    @classmethod
    def from_settings(cls, settings: dict, contact_email: str) -> LetterTexts:
        return cls(
            opening=settings.get("letter_opening") or DEFAULT_OPENING,
            appeal_route=settings.get("appeal_route") or DEFAULT_APPEAL_ROUTE,
            appeal_days=settings.get("appeal_days") or DEFAULT_APPEAL_DAYS,
            signatory=settings.get("letter_signatory") or DEFAULT_SIGNATORY,
            contact_email=contact_email,
        )


def letter_html(session, tenant, application: Application, texts: LetterTexts, today: date) -> str:
    """The letter as HTML, from the plugin's template, in Dutch."""
    rows = [
        (row, session.get(SupportMeasure, row.measure_id))
        for row in services.requested_measures(session, application)
    ]
    with force_locale(LETTER_LANGUAGE):
        return render_template(
            "starters/letters/decision.html",
            tenant=tenant,
            application=application,
            rows=rows,
            texts=texts,
            dated=local_date(today),
            rich_text=render_rich_text,
        )


def _refuse_fetch(url: str, *args, **kwargs):
    # The letter is self-contained: nothing in it (and nothing a user typed) may make the PDF
    # renderer fetch a URL or read a local file.
    raise ValueError(f"decision letters load no resources ({url[:60]!r})")


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only letters need

    return HTML(string=html, url_fetcher=_refuse_fetch, base_url=None).write_pdf()


@dataclass(frozen=True)
class IssuedLetter:
    letter: DecisionLetter
    pdf: bytes

    @property
    def filename(self) -> str:
        return f"beslissing-{self.letter.created_at:%Y%m%d}.pdf"


def issue_letter(
    session,
    files: FileStore,
    tenant,
    application: Application,
    texts: LetterTexts,
    today: date,
    *,
    actor: str,
) -> IssuedLetter:
    """Render the letter, keep it pending in the upload store and add its row; the caller
    publishes the file (``files.publish``) after the commit, as with documents."""
    pdf = html_to_pdf(letter_html(session, tenant, application, texts, today))
    stored_name = files.put_pending(tenant.id, application.id, pdf, max_bytes=MAX_LETTER_BYTES)
    letter = DecisionLetter(
        application_id=application.id,
        stored_name=stored_name,
        size_bytes=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        created_by=actor,
    )
    session.add(letter)
    session.flush()
    services.add_timeline(session, application, "letter_issued", actor)
    return IssuedLetter(letter=letter, pdf=pdf)


def letters_of(session, application: Application) -> list[DecisionLetter]:
    from sqlmodel import select

    return list(
        session.exec(
            select(DecisionLetter)
            .where(DecisionLetter.application_id == application.id)
            .order_by(DecisionLetter.created_at)
        )
    )
