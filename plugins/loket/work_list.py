"""The staff work list as database work: filters become WHERE clauses, the total one COUNT and
the page one ``LIMIT``/``OFFSET`` query in registration order, so a page costs the same in a
municipality with 300 requests as in one with 100 000 (issue 18).

The order is ``(created_at, id)``: the id breaks ties, so a request never shows on two pages.
The indexes ``(tenant_id, created_at)`` and ``(tenant_id, status, created_at)`` (migration
loket_0009) serve the unfiltered list and the usual status filter.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlmodel import select

from plugins.loket import search
from plugins.loket.models import (
    CARE_NEEDS,
    ORIGINS,
    SITUATION_FLAGS,
    ChildcareRequest,
    Preference,
    RequestStatus,
)

PAGE_SIZE = 25
# The total is counted up to here (a hundred pages): beyond it the count would cost more than
# the page (it reads the index entry of every match; at 10 000 the list cost 1.2 × more at
# 100 000 requests than at 300, at 2 500 1.05 ×), and "more than 2 500" tells staff to filter.
COUNT_LIMIT = 2_500


class ListHolds(ColumnElement[bool]):
    """The JSON list in ``column`` holds the string ``value`` (an exact element, not a part).

    Keyed by its parts (``_traverse_internals``), the value a bound parameter: the compiled
    statement is cached once for every value."""

    __visit_name__ = "loket_list_holds"
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("value", InternalTraversal.dp_clauseelement),
    ]
    inherit_cache = True
    type = sa.Boolean()

    def __init__(self, column: ColumnElement, value: str) -> None:
        self.column = column
        self.value = sa.bindparam(None, value, type_=sa.String, unique=True)


@compiles(ListHolds)
def _list_holds_jsonb(element: ListHolds, compiler, **kw) -> str:
    value = compiler.process(element.value, **kw)
    column = compiler.process(element.column, **kw)
    return f"(CAST({column} AS JSONB) @> jsonb_build_array(CAST({value} AS TEXT)))"


@compiles(ListHolds, "sqlite")
def _list_holds_json_each(element: ListHolds, compiler, **kw) -> str:
    value = compiler.process(element.value, **kw)
    column = compiler.process(element.column, **kw)
    return f"EXISTS (SELECT 1 FROM json_each({column}) WHERE json_each.value = {value})"


@dataclass(frozen=True)
class WorkListPage:
    rows: list[ChildcareRequest]
    # ``None`` past COUNT_LIMIT matches: the page then says "more than" and pages on while the
    # page is full.
    total: int | None
    page: int
    pages: int | None
    has_next: bool


def conditions(
    args: Mapping[str, str], *, location_id: uuid.UUID | None, month: date | None
) -> list[ColumnElement[bool]]:
    """The WHERE clauses for the work list's query-string filters; unknown values are left out."""
    found: list[ColumnElement[bool]] = []
    if args.get("status") in RequestStatus.ALL:
        found.append(ChildcareRequest.status == args["status"])
    if args.get("origin") in ORIGINS:
        found.append(ChildcareRequest.origin == args["origin"])
    if args.get("area"):
        found.append(ChildcareRequest.area == args["area"])
    if args.get("proof") in ("yes", "no"):
        found.append(ChildcareRequest.proof_checked == (args["proof"] == "yes"))
    if args.get("basis") in SITUATION_FLAGS:
        found.append(ListHolds(ChildcareRequest.situation, args["basis"]))
    if args.get("care_need") in CARE_NEEDS:
        found.append(ListHolds(ChildcareRequest.care_needs, args["care_need"]))
    if location_id is not None:
        found.append(
            ChildcareRequest.id.in_(
                select(Preference.request_id).where(Preference.location_id == location_id)
            )
        )
    if month is not None:
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        found.append(ChildcareRequest.desired_start >= month)
        found.append(ChildcareRequest.desired_start < following)
    term = args.get("q", "").strip()
    if term:
        found.append(search.request_matches(term))
    return found


def page_of(session, where: list[ColumnElement[bool]], requested_page: int) -> WorkListPage:
    """One page of the matching requests (a page past the end shows the last one)."""
    # tenant_id, not id: the (tenant_id, …) index alone answers, no row is read.
    matches = select(ChildcareRequest.tenant_id).where(*where).limit(COUNT_LIMIT + 1).subquery()
    counted = session.exec(select(sa.func.count()).select_from(matches)).one()
    if counted > COUNT_LIMIT:
        page = max(1, requested_page)
        rows = _rows(session, where, page, PAGE_SIZE + 1)
        return WorkListPage(
            rows=rows[:PAGE_SIZE], total=None, page=page, pages=None, has_next=len(rows) > PAGE_SIZE
        )
    pages = max(1, -(-counted // PAGE_SIZE))
    page = min(max(1, requested_page), pages)
    rows = _rows(session, where, page, PAGE_SIZE)
    return WorkListPage(rows=rows, total=counted, page=page, pages=pages, has_next=page < pages)


def _rows(session, where, page: int, limit: int) -> list[ChildcareRequest]:
    return list(
        session.exec(
            select(ChildcareRequest)
            .where(*where)
            .order_by(ChildcareRequest.created_at, ChildcareRequest.id)
            .limit(limit)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
