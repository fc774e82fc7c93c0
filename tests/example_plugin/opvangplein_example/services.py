"""What the notice board does, on a tenant session: plain Python, no Flask needed."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from opvangplein_example.models import Notice


def post_notice(session, *, title: str, body: str, visible_until: date) -> Notice:
    notice = Notice(title=title, body=body, visible_until=visible_until)
    session.add(notice)
    session.flush()
    return notice


def current_notices(session, *, today: date, limit: int) -> list[Notice]:
    """Notices still shown today, newest first."""
    statement = (
        select(Notice)
        .where(Notice.visible_until >= today)
        .order_by(Notice.posted_at.desc())
        .limit(limit)
    )
    return list(session.exec(statement).all())


def add_demo_notices(session, *, tenant_name: str, today: date) -> None:
    """Idempotent, and different per tenant (the route probe treats one tenant's text at
    another as a leak)."""
    title = f"Infoavond kinderopvang in {tenant_name}"
    if session.exec(select(Notice).where(Notice.title == title)).first() is None:
        post_notice(
            session,
            title=title,
            body=f"Ouders en opvanginitiatieven van {tenant_name} zijn welkom in het gemeentehuis.",
            visible_until=today + timedelta(days=30),
        )
