"""The key pair each tenant signs its ``private_key_jwt`` client assertions with (RFC 7523).

Providers such as the Flemish government's ACM/IDM and itsme do not accept a shared client
secret: the client proves itself with a JWT signed by a private key, and the provider checks it
against the public keys the client publishes (``jwks_uri``). The platform holds one key pair per
tenant, created on first use: the private half sealed with ``core.crypto`` (bound to the tenant
and the key id, so a copied row never opens elsewhere), the public half served at
``/oidc/jwks.json`` of the tenant.

The table is tenant-owned (and so under row-level security) rather than platform-level: a key
speaks for one municipality's registrations only, it is reached only in that tenant's requests,
and one tenant's breach must not hand out another tenant's signing key.

Rotation: :func:`rotate_signing_key` adds a new key that signs from then on; the previous one
stays published (retired) for :data:`RETIRED_KEY_PUBLISHED_FOR`, so a provider that cached our
JWKS keeps accepting assertions until it refetches.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa
from joserfc.jwk import RSAKey
from sqlmodel import JSON, Column, Field, select

from core.db import TenantScoped, as_utc, new_id, utcnow

KEY_BITS = 2048
ALGORITHM = "RS256"
RETIRED_KEY_PUBLISHED_FOR = timedelta(days=7)


class TenantSigningKey(TenantScoped, table=True):
    __tablename__ = "tenant_signing_key"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "kid"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    kid: str = Field(max_length=64)
    algorithm: str = Field(default=ALGORITHM, max_length=16)
    public_jwk: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    private_key_sealed: str = Field(sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    retired_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


def sealing_context(tenant_id, kid: str) -> str:
    return f"tenant-signing-key|{tenant_id}|{kid}"


def _tenant_id(db) -> uuid.UUID:
    tenant_id = db.info.get("tenant_id")
    if tenant_id is None:
        raise RuntimeError("signing keys belong to a tenant: use a tenant's database session")
    return tenant_id


def _new_key(db, box) -> TenantSigningKey:
    tenant_id = _tenant_id(db)
    kid = secrets.token_urlsafe(12)
    key = RSAKey.generate_key(KEY_BITS, parameters={"kid": kid, "alg": ALGORITHM, "use": "sig"})
    row = TenantSigningKey(
        tenant_id=tenant_id,
        kid=kid,
        public_jwk=key.as_dict(private=False),
        private_key_sealed=box.seal(
            key.as_pem(private=True).decode(), context=sealing_context(tenant_id, kid)
        ),
    )
    db.add(row)
    db.flush()
    return row


def current_signing_key(db, box) -> TenantSigningKey:
    """The tenant's key that signs now; created (and flushed, not committed) on first use."""
    row = db.exec(
        select(TenantSigningKey)
        .where(TenantSigningKey.retired_at.is_(None))
        .order_by(TenantSigningKey.created_at.desc())
    ).first()
    return row if row is not None else _new_key(db, box)


def private_key(row: TenantSigningKey, box) -> RSAKey:
    pem = box.open(row.private_key_sealed, context=sealing_context(row.tenant_id, row.kid))
    return RSAKey.import_key(pem, parameters={"kid": row.kid, "alg": row.algorithm})


def published_jwks(db, box, now: datetime | None = None) -> dict:
    """The public keys providers verify our assertions with: the current key and recently
    retired ones."""
    current_signing_key(db, box)
    cutoff = (now or utcnow()) - RETIRED_KEY_PUBLISHED_FOR
    rows = db.exec(select(TenantSigningKey).order_by(TenantSigningKey.created_at.desc())).all()
    return {
        "keys": [
            row.public_jwk
            for row in rows
            if row.retired_at is None or as_utc(row.retired_at) > cutoff
        ]
    }


def rotate_signing_key(db, box) -> TenantSigningKey:
    """Retire the current key and create the next one (still published for a while)."""
    now = utcnow()
    for row in db.exec(select(TenantSigningKey).where(TenantSigningKey.retired_at.is_(None))).all():
        row.retired_at = now
        db.add(row)
    return _new_key(db, box)
