"""PostgreSQL row-level security for tenant tables — the second wall behind ORM scoping.

The wall must hold against any SQL the application's role can run (an SQL injection, say), so
nothing the application role can set may widen what it sees:

* Each transaction binds its tenant with ``app.tenant_id`` *and* ``app.tenant_proof``, an
  HMAC-SHA256 of the tenant id under the row-level security key. Only the Python application
  knows that key; the database keeps it in ``tenant_rls.key``, which only the table owner can read.
* The ``tenant_isolation`` policy compares ``tenant_id`` with :data:`BOUND_TENANT_FUNCTION`, a
  ``SECURITY DEFINER`` function that returns the bound tenant only when the proof verifies. Setting
  ``app.tenant_id`` to another tenant, without that tenant's proof, binds nobody.
* Nothing admits every row because of a setting. Cross-tenant work connects as the platform role
  (``OPVANGPLEIN_PLATFORM_DATABASE_URL``), and ``db upgrade`` gives that role a ``platform_access``
  policy on every tenant table (:func:`platform_policy_statements`).
* The table owner keeps ``app.cross_tenant`` (policy ``owner_crossing``) for data migrations: it can
  lift row-level security anyway, so this gives it nothing new; the application role never owns.

``FORCE`` makes the policies hold for the owner too. The HMAC is computed with the server's
built-in ``sha256()`` over precomputed pads, so no extension (pgcrypto) is needed.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from functools import lru_cache

from core.config import DEV_SECRET_KEY

RLS_SCHEMA = "tenant_rls"
KEY_TABLE = f"{RLS_SCHEMA}.key"
BOUND_TENANT_FUNCTION = "rls_bound_tenant"
TENANT_MATCHES = f"tenant_id = (SELECT public.{BOUND_TENANT_FUNCTION}())"
OWNER_CROSSING = "current_setting('app.cross_tenant', true) = 'on'"
TENANT_POLICIES = ("tenant_isolation", "owner_crossing", "platform_access")
# HMAC-SHA256's block: a key of exactly this length is used as is, so the pads are precomputable.
KEY_LENGTH = 64


class RLSKeyMismatch(RuntimeError):
    """The database verifies tenant bindings with another key than the application signs with."""


def derive_rls_key(material: str) -> bytes:
    """The 64-byte key from ``OPVANGPLEIN_RLS_KEY`` (or the secret key), never the material
    itself, so the secret key is not what the database stores."""
    return hmac.new(material.encode(), b"opvangplein row-level security", hashlib.sha512).digest()


DEV_RLS_KEY = derive_rls_key(DEV_SECRET_KEY)


@lru_cache(maxsize=4096)
def tenant_proof(key: bytes, tenant_id: uuid.UUID | str) -> str:
    """What ``app.tenant_proof`` must hold for ``app.tenant_id = str(tenant_id)``."""
    return hmac.new(key, str(tenant_id).encode(), hashlib.sha256).hexdigest()


def key_pads(key: bytes) -> tuple[bytes, bytes]:
    """HMAC's inner and outer padded keys, as the database stores them."""
    if len(key) != KEY_LENGTH:
        raise ValueError(f"the row-level security key must be {KEY_LENGTH} bytes")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


# The function is owned by the table owner (the migration's role): SECURITY DEFINER lets it read
# the key the caller cannot; the pinned search_path keeps a caller's objects out of it.
BOUND_TENANT_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION public.{BOUND_TENANT_FUNCTION}() RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid
    FROM {KEY_TABLE} AS key
    WHERE encode(
        sha256(key.outer_pad || sha256(
            key.inner_pad || convert_to(current_setting('app.tenant_id', true), 'UTF8'))),
        'hex'
    ) = current_setting('app.tenant_proof', true)
$$
"""


TENANTS_ENABLING_FUNCTION = "tenants_enabling"


def tenants_enabling_statement() -> str:
    """``tenants_enabling(plugin)``: the ids of the tenants whose switch for ``plugin`` is on.

    Owned by the table owner and run with its rights (``SECURITY DEFINER``); ``FORCE`` holds
    the owner to the policies too, so the function lifts them through ``owner_crossing`` for
    its own query only. It returns tenant ids, never settings.
    """
    # A function's own ``SET app.cross_tenant`` needs a superuser; set_config inside does not.
    # The previous value comes back before the function returns.
    return f"""
CREATE OR REPLACE FUNCTION public.{TENANTS_ENABLING_FUNCTION}(plugin_name text) RETURNS SETOF uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    previous text := coalesce(current_setting('app.cross_tenant', true), '');
BEGIN
    PERFORM set_config('app.cross_tenant', 'on', true);
    RETURN QUERY SELECT tenant_id FROM public.tenant_plugin WHERE plugin = plugin_name AND enabled;
    PERFORM set_config('app.cross_tenant', previous, true);
END
$$
"""


def install_statements() -> list[str]:
    """The owner-only key table and the function; idempotent."""
    return [
        f"CREATE SCHEMA IF NOT EXISTS {RLS_SCHEMA}",
        f"REVOKE ALL ON SCHEMA {RLS_SCHEMA} FROM PUBLIC",
        f"CREATE TABLE IF NOT EXISTS {KEY_TABLE} ("
        " id smallint PRIMARY KEY CHECK (id = 1),"
        " inner_pad bytea NOT NULL, outer_pad bytea NOT NULL,"
        " installed_at timestamptz NOT NULL DEFAULT now())",
        f"REVOKE ALL ON {KEY_TABLE} FROM PUBLIC",
        BOUND_TENANT_FUNCTION_SQL,
    ]


def tenant_rls_statements(table: str) -> list[str]:
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY tenant_isolation ON {table}"
        f" USING ({TENANT_MATCHES}) WITH CHECK ({TENANT_MATCHES})",
        # CURRENT_USER is the migration's role, the owner; the policy names it at creation.
        f"CREATE POLICY owner_crossing ON {table} TO CURRENT_USER"
        f" USING ({OWNER_CROSSING}) WITH CHECK ({OWNER_CROSSING})",
    ]


def platform_policy_statements(table: str, platform_role: str | None) -> list[str]:
    """Admit every row of ``table`` to ``platform_role`` (already quoted), and to no one else."""
    statements = [f"DROP POLICY IF EXISTS platform_access ON {table}"]
    if platform_role:
        statements.append(
            f"CREATE POLICY platform_access ON {table} TO {platform_role}"
            " USING (true) WITH CHECK (true)"
        )
    return statements


def enable_tenant_rls(table: str) -> None:
    """Call from a migration right after creating a tenant-owned table."""
    # Imported here: web workers import this module (for the proofs), not the migration tool.
    from alembic import op

    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in [*install_statements(), *tenant_rls_statements(table)]:
        op.execute(statement)


def disable_tenant_rls(table: str) -> None:
    from alembic import op

    if op.get_bind().dialect.name != "postgresql":
        return
    for policy in TENANT_POLICIES:
        op.execute(f"DROP POLICY IF EXISTS {policy} ON {table}")
    op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
