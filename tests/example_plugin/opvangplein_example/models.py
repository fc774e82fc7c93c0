"""The notice board's table."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field

from core.db import TenantScoped, new_id, utcnow


class Notice(TenantScoped, table=True):
    """A notice of one municipality, shown until the end of ``visible_until``."""

    __tablename__ = "noticeboard_notice"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    title: str = Field(max_length=120)
    body: str = Field(max_length=2000)
    visible_until: date = Field(index=True)
    posted_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
