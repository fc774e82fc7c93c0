"""Several children in one request: one request row per child, linked by a sibling group.

What the children share (start date, days, choices, family situation, contact) is kept equal
across the group: a change to one child's request is made to every brother or sister whose
request can still change. Each child keeps its own name, birth date, care needs and
registration date. The allocation side of "together" is in :mod:`plugins.loket.together`.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable

from sqlmodel import select

from core.db import new_id
from plugins.loket import services
from plugins.loket.models import ChildcareRequest, RequestStatus

# A request that is still waiting may change; one with an offer out, a place or withdrawn not.
CHANGEABLE = (RequestStatus.DRAFT, RequestStatus.OPEN)


def members(session, request: ChildcareRequest) -> list[ChildcareRequest]:
    """The requests of ``request``'s group (itself included), oldest child first; only the
    request itself when it has no group. Members share the parent's account: a group never
    reaches another family's rows."""
    if request.sibling_group_id is None:
        return [request]
    rows = session.exec(
        select(ChildcareRequest).where(
            ChildcareRequest.sibling_group_id == request.sibling_group_id,
            ChildcareRequest.parent_user_id == request.parent_user_id
            if request.parent_user_id is not None
            else ChildcareRequest.parent_user_id.is_(None),
        )
    )
    return sorted(rows, key=_birth_order)


def _birth_order(row: ChildcareRequest) -> tuple:
    birth = row.reference_birth_date
    return (birth is None, birth or 0, row.created_at, row.id.int)


def with_child(shared: services.RequestInput, row: ChildcareRequest) -> services.RequestInput:
    """The shared values of a change, with what belongs to ``row``'s child."""
    return dataclasses.replace(
        shared,
        child_first_name=row.child_first_name,
        child_last_name=row.child_last_name,
        birth_date=row.birth_date,
        expected_birth_date=row.expected_birth_date,
        care_needs=list(row.care_needs),
    )


def link(rows: Iterable[ChildcareRequest], *, together: bool) -> uuid.UUID:
    """Put ``rows`` in one new sibling group with the family's choice."""
    group_id = new_id()
    for row in rows:
        row.sibling_group_id = group_id
        row.siblings_together = together
    return group_id


def set_choice(session, rows: Iterable[ChildcareRequest], *, together: bool) -> None:
    for row in rows:
        row.siblings_together = together
        session.add(row)


def family_view(session, row: ChildcareRequest) -> dict | None:
    """What a page says about ``row``'s brothers and sisters, or ``None`` without any."""
    return family_of(row, members(session, row))


def family_of(row: ChildcareRequest, group: list[ChildcareRequest]) -> dict | None:
    """:func:`family_view` from ``row``'s group already loaded (oldest child first)."""
    if len(group) < 2:
        return None
    return {
        "group_id": row.sibling_group_id,
        "together": row.siblings_together,
        "children": group,
        "others": [member for member in group if member.id != row.id],
        "withdrawable": [
            member
            for member in group
            if member.status not in (RequestStatus.PLACED, RequestStatus.WITHDRAWN)
        ],
    }


def groups_of(rows: Iterable[ChildcareRequest]) -> dict[uuid.UUID, list[ChildcareRequest]]:
    """The sibling groups among ``rows`` (one parent's requests), each oldest child first, as
    :func:`members` finds them: a group never mixes parents."""
    groups: dict[tuple, list[ChildcareRequest]] = {}
    for row in rows:
        if row.sibling_group_id is not None:
            groups.setdefault((row.sibling_group_id, row.parent_user_id), []).append(row)
    return {key[0]: sorted(group, key=_birth_order) for key, group in groups.items()}


def grouped(rows: list[ChildcareRequest]) -> list[list[ChildcareRequest]]:
    """``rows`` with the children of one request next to each other, in the order the first of
    each group appears (a parent's page shows a family request as one)."""
    groups: dict[object, list[ChildcareRequest]] = {}
    for row in rows:
        groups.setdefault(row.sibling_group_id or row.id, []).append(row)
    return [sorted(group, key=_birth_order) for group in groups.values()]
