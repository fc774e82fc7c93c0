"""Small helpers the ckg tests share: submitting, moving and reading referrals."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

from sqlmodel import select

from core.mail import OutboxMessage
from plugins.ckg.models import AccessLogEntry, Antenna, Referral
from tests.plugins.ckg.conftest import referral_form
from tests.support.apps import tenant_id


def submit(client, tenant: str = "aalst", **changes) -> uuid.UUID:
    response = client.post(f"/t/{tenant}/ckg/doorverwijzen", data=referral_form(**changes))
    assert response.status_code == 303, response.get_data(as_text=True)
    return uuid.UUID(response.headers["Location"].split("/doorverwijzingen/")[1].split("?")[0])


def family_confirms(app, address: str = "sofie@example.be", tenant: str = "aalst") -> None:
    """The family opens the confirmation link mailed to the address the referrer typed."""
    with app.extensions["opvangplein.db"].session(tenant_id(app, tenant)) as db:
        message = db.exec(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == address)
            .order_by(OutboxMessage.created_at.desc())
        ).first()
    assert message is not None, f"nothing mailed to {address}"
    path = urlsplit(re.findall(r"https?://\S+", message.body)[-1]).path
    assert app.test_client().post(path).status_code == 200


def step(client, referral_id, target: str, tenant: str = "aalst", **fields):
    return client.post(
        f"/t/{tenant}/ckg/doorverwijzingen/{referral_id}/status", data={"target": target, **fields}
    )


def stored(app, referral_id, tenant: str = "aalst") -> Referral | None:
    with app.extensions["opvangplein.db"].session(tenant_id(app, tenant)) as db:
        return db.get(Referral, referral_id)


def access_rows(app, referral_id, tenant: str = "aalst") -> list[AccessLogEntry]:
    with app.extensions["opvangplein.db"].session(tenant_id(app, tenant)) as db:
        return list(
            db.exec(select(AccessLogEntry).where(AccessLogEntry.referral_id == referral_id)).all()
        )


def antenna_named(app, name: str) -> Antenna:
    with app.extensions["opvangplein.db"].session(None) as db:
        return db.exec(select(Antenna).where(Antenna.name == name)).one()
