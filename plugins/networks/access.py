"""Who may see and do what in a network, decided per network (the permission alone is not enough).

* municipal staff of the module and the tenant admin (``networks.manage``): every network;
* people acting for a member organisation (granted ``networks`` here, ``networks.view``): the
  networks their organisation is a member of — members, meetings, minutes, actions, cases;
* people of a *coordinating* member: also plan meetings, keep attendance and minutes;
* everyone else: nothing of a network. A network, meeting, action or case they may not see
  answers 404, so its existence is not revealed either. Only services marked public show on the
  open social map.
"""

from __future__ import annotations

import uuid
from functools import wraps

from flask import abort, g

from core.identity.access import acting_organisations, can
from core.web import db_session
from plugins.networks import contact_access, store
from plugins.networks.models import Network, NetworkMember


def is_manager() -> bool:
    return g.get("user") is not None and can("networks.manage")


def is_tenant_admin() -> bool:
    user = g.get("user")
    return user is not None and ("tenant_admin" in g.roles or user.is_platform_admin)


def acting_organisation_ids() -> set[uuid.UUID]:
    """Organisations the signed-in user acts for here in this module."""
    if g.get("user") is None or not can("networks.view"):
        return set()
    return {organisation.id for organisation in acting_organisations(store.MODULE)}


def granted_member_ids() -> set[uuid.UUID]:
    """Members the signed-in user acts for as an invited contact person (issue 21)."""
    user = g.get("user")
    if user is None or not can("networks.view"):
        return set()
    if "networks_granted_members" not in g:
        g.networks_granted_members = contact_access.granted_member_ids(db_session(), user.id)
    return g.networks_granted_members


def acts_for_anyone() -> bool:
    return bool(acting_organisation_ids() or granted_member_ids())


def my_members(members: list[NetworkMember]) -> list[NetworkMember]:
    """The members among ``members`` the signed-in user acts for: through their organisation,
    or as the contact person who accepted an invitation for that member."""
    mine = acting_organisation_ids()
    granted = granted_member_ids()
    return [member for member in members if member.organisation_id in mine or member.id in granted]


def may_see(session, network: Network) -> bool:
    if is_manager():
        return True
    return bool(my_members(store.members_of(session, network.id)))


def may_coordinate(members: list[NetworkMember]) -> bool:
    return is_manager() or any(member.coordinates for member in my_members(members))


def visible_networks(session) -> list[Network]:
    if is_manager():
        return store.all_networks(session)
    found = {
        network.id: network
        for network in store.networks_with_organisations(session, acting_organisation_ids())
    }
    for network in store.networks_of_members(session, granted_member_ids()):
        found[network.id] = network
    return sorted(found.values(), key=lambda network: network.name)


def visible_network(session, network_id: uuid.UUID) -> Network:
    """The network, or 404 when it does not exist *or* the user may not see it."""
    network = session.get(Network, network_id)
    if network is None or not may_see(session, network):
        abort(404)
    return network


def require_signed_in(view):
    @wraps(view)
    def guarded(*args, **kwargs):
        if g.get("user") is None:
            abort(401)
        return view(*args, **kwargs)

    return guarded
