"""Staff forms for priority grounds: a proof decision, a deviation on advice, the further order."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.forms import PlatformForm, UUIDField
from plugins.loket.forms import ChoiceField, CountField
from plugins.loket.priority import (
    FAMILY_SUPPORT_ORGANISATIONS,
    FURTHER_GROUNDS,
    NEEDS_PROOF,
    PROOF_DECISIONS,
)


def _same(values) -> list[tuple[str, str]]:
    return [(value, value) for value in values]


class ProofDecisionForm(PlatformForm):
    """Staff checked the proof of a declared foster child or urgency."""

    ground = ChoiceField(
        _l("Ground"), choices=_same(sorted(NEEDS_PROOF)), message=_l("Choose a ground to check.")
    )
    decision = ChoiceField(
        _l("Decision"), choices=_same(PROOF_DECISIONS), message=_l("Choose verified or refused.")
    )


class DeviationForm(PlatformForm):
    """A location deviates from the order for this child on a family-support organisation's
    advice (at most 10 % of its places)."""

    location_id = UUIDField(_l("Location"))
    organisation = ChoiceField(
        _l("Advising organisation"),
        choices=_same(FAMILY_SUPPORT_ORGANISATIONS),
        message=_l("Choose the family-support organisation that gave the advice."),
    )


def _position(label) -> CountField:
    """A further ground's place in the order; equal positions share a group."""
    return CountField(
        label,
        required=True,
        minimum=1,
        maximum=len(FURTHER_GROUNDS),
        message=_l("Enter a position from 1 to 3."),
    )


class FurtherOrderForm(PlatformForm):
    """The tenant's order of the further groups: a position per ground (equal: same group)."""

    urgency = _position(_l("Position of: social or pedagogical urgency"))
    single_parent = _position(_l("Position of: single parent"))
    low_income = _position(_l("Position of: low income"))

    def groups(self) -> list[list[str]]:
        positions = {ground: getattr(self, ground).data for ground in FURTHER_GROUNDS}
        return [
            [ground for ground in FURTHER_GROUNDS if positions[ground] == position]
            for position in sorted(set(positions.values()))
        ]

    @staticmethod
    def positions(groups) -> dict[str, int]:
        found = {}
        for position, group in enumerate(groups, start=1):
            for ground in group:
                found[ground] = position
        return {ground: found.get(ground, len(groups) + 1) for ground in FURTHER_GROUNDS}
