"""The route-level isolation probe: every rule, as tenant B, with tenant A's identifiers.

It knows nothing about individual plugins: it walks ``app.url_map``, fills every URL parameter
with each identifier tenant A owns, and checks that tenant B's answers never contain A's data.
Every later plugin is covered automatically.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from flask import Flask
from sqlmodel import SQLModel, select

from core.db import TenantScoped

SKIPPED_ENDPOINTS = {"static"}


@dataclass
class TenantFootprint:
    """What would betray tenant A: its row ids and the distinctive text it holds."""

    ids: set[str] = field(default_factory=set)
    texts: set[str] = field(default_factory=set)
    # Primary keys to put in URLs: two per table are enough to reach every route's object kind,
    # and keep the walk affordable as plugins add routes (every id is still checked for leaks).
    url_ids: set[str] = field(default_factory=set)
    # The same ids per table, so a route whose argument names its object kind
    # (``referral_id``) is asked for that kind's ids rather than every table's.
    url_ids_by_table: dict[str, list[str]] = field(default_factory=dict)


def tenant_scoped_models() -> list[type]:
    return [
        mapper.class_
        for mapper in SQLModel._sa_registry.mappers
        if issubclass(mapper.class_, TenantScoped)
    ]


def footprint(app: Flask, tenant_id: uuid.UUID) -> TenantFootprint:
    result = TenantFootprint()
    with app.extensions["opvangplein.db"].session(tenant_id) as session:
        for model in tenant_scoped_models():
            rows = session.exec(select(model)).all()
            primary_keys = [column.key for column in model.__table__.primary_key.columns]
            result.url_ids_by_table.setdefault(model.__tablename__, [])
            for row in rows[:2]:
                keys = [str(getattr(row, key)) for key in primary_keys]
                result.url_ids.update(keys)
                result.url_ids_by_table.setdefault(model.__tablename__, []).extend(keys)
            for row in rows:
                for column in model.__table__.columns:
                    value = getattr(row, column.key, None)
                    if isinstance(value, uuid.UUID) and column.key != "tenant_id":
                        result.ids.add(str(value))
                    elif isinstance(value, str) and len(value) >= 8 and " " in value:
                        result.texts.add(value)
    return result


def candidate_urls(app: Flask, victim: TenantFootprint) -> list[tuple[str, str, str]]:
    """(method, endpoint, path) for each rule with each of the victim's identifiers."""
    urls = []
    plugin_names = list(app.extensions["opvangplein.plugins"].names)
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        methods = sorted((rule.methods or set()) & {"GET", "POST"})
        values_per_arg = {}
        for argument in rule.arguments:
            if argument not in rule._converters:
                continue  # filled from the rule's defaults, not from the URL
            converter = rule._converters[argument].__class__.__name__
            if converter == "UUIDConverter":
                values_per_arg[argument] = _ids_for(argument, victim) or [str(uuid.uuid4())]
            else:
                values_per_arg[argument] = sorted(victim.url_ids)[:10] + plugin_names + ["1"]
        for combination in _combinations(values_per_arg):
            try:
                path = rule.build(combination, append_unknown=False)[1]
            except Exception:
                continue
            urls.extend((method, rule.endpoint, path) for method in methods)
    return urls


def _ids_for(argument: str, victim: TenantFootprint) -> list[str]:
    """The ids of the tables the argument names (``referral_id`` → ``ckg_referral``); every id
    of every table when the name matches none.

    A leak needs a route to find tenant A's object of the kind it serves; ids of other kinds
    find nothing in any tenant. Matching by name keeps the walk affordable as plugins grow.
    """
    stem = argument.removesuffix("_id")
    matching = [
        table for table in victim.url_ids_by_table if table == stem or table.endswith(f"_{stem}")
    ]
    if not matching:
        return sorted(victim.url_ids)
    return sorted({key for table in matching for key in victim.url_ids_by_table[table]})


def _combinations(values_per_arg: dict[str, list]) -> list[dict]:
    """Each argument takes each of its values while the others keep their first one.

    The full product grows with the square of the ids for two-argument routes; varying one
    argument at a time still puts every id of tenant A in every position.
    """
    if not values_per_arg:
        return [{}]
    base = {argument: values[0] for argument, values in values_per_arg.items()}
    combinations = [base]
    for argument, values in values_per_arg.items():
        combinations += [{**base, argument: value} for value in values[1:]]
    return combinations


def leaks(text: str, victim: TenantFootprint, requested_path: str = "") -> list[str]:
    """Secrets of the victim in ``text``; an id merely echoed from the requested path is no leak."""
    return [
        secret
        for secret in victim.ids | victim.texts
        if secret in text and secret not in requested_path
    ]
