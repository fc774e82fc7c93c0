"""Database engine, sessions and automatic tenant scoping.

Every tenant-owned model inherits :class:`TenantScoped`. A :class:`TenantSession` knows its tenant
(``session.info["tenant_id"]``) and

* adds ``tenant_id = <tenant>`` to every ORM SELECT/UPDATE/DELETE, including ``session.get``,
  relationship and lazy loads (SQLAlchemy's ``with_loader_criteria`` recipe);
* stamps the tenant on new rows and refuses rows of another tenant at flush;
* on PostgreSQL binds each transaction to the tenant (``app.tenant_id`` with the proof only this
  process can compute, see core.rls) so row-level security applies to everything, raw ``text()``
  SQL included.

A session without a tenant sees no tenant-owned rows at all. Crossing tenants is only possible
through :func:`platform_session`, which writes a platform audit entry first and, on PostgreSQL,
connects as the platform role: no setting the application's role can change admits every row.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, sessionmaker, with_loader_criteria
from sqlmodel import Field, Session, SQLModel, select

from core.rls import BOUND_TENANT_FUNCTION, DEV_RLS_KEY, RLSKeyMismatch, tenant_proof


class TenantViolation(RuntimeError):
    """A write would create or move a row outside the session's tenant."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """``moment`` with its time zone: SQLite hands back naive datetimes for timezone-aware
    columns, and they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def new_id() -> uuid.UUID:
    """Random identifiers: public ids in URLs must not be guessable sequential integers."""
    return uuid.uuid4()


def lock_row(session, model: type[SQLModel], row_id: uuid.UUID):
    """The row, locked until the transaction ends (``SELECT … FOR UPDATE``).

    Take it before counting what hangs under the row (seats of a session, places of a round):
    a second request for the same row waits, then counts what the first one wrote, so a
    capacity holds under concurrent clicks. SQLite writes one transaction at a time anyway;
    there the statement is a plain ``SELECT``.
    """
    return session.exec(
        select(model)
        .where(model.id == row_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()


class TenantScoped(SQLModel):
    """Mixin for every tenant-owned table: a non-null, indexed ``tenant_id``."""

    tenant_id: uuid.UUID = Field(foreign_key="tenant.id", index=True, nullable=False)


class _MixinColumn:
    """``tenant_id`` as seen on the mixin itself, for ``with_loader_criteria``'s analysis.

    The criteria lambda is first evaluated against :class:`TenantScoped`, a pydantic class without
    a ``tenant_id`` attribute. This descriptor answers only there; on subclasses it is invisible,
    so pydantic keeps inheriting the field and each mapped table uses its own column.
    """

    def __get__(self, instance, owner):
        if instance is None and owner is TenantScoped:
            return sa.column("tenant_id")
        raise AttributeError("tenant_id")


type.__setattr__(TenantScoped, "tenant_id", _MixinColumn())


class TenantSession(Session):
    """A SQLModel session bound to one tenant (or to none, or — audited — to all)."""

    @property
    def tenant_id(self) -> uuid.UUID | None:
        return self.info.get("tenant_id")

    @property
    def crosses_tenants(self) -> bool:
        return bool(self.info.get("cross_tenant"))


@event.listens_for(TenantSession, "do_orm_execute")
def _scope_statements_to_tenant(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    # Loader criteria propagate to lazy and column loads on their own.
    if state.is_column_load or state.is_relationship_load:
        return
    if state.session.info.get("cross_tenant"):
        return
    state.statement = state.statement.options(_tenant_criteria(state.session.info.get("tenant_id")))


@lru_cache(maxsize=4096)
def _tenant_criteria(tenant_id: uuid.UUID | None):
    """One loader-criteria option per tenant, built once: building it costs more than the query
    compile it saves. SQLAlchemy still binds the tenant id as a parameter, so the SQL cache
    holds one entry per statement, not one per tenant."""
    return with_loader_criteria(
        TenantScoped, lambda cls: cls.tenant_id == tenant_id, include_aliases=True
    )


@event.listens_for(TenantSession, "before_flush")
def _guard_tenant_on_write(session: TenantSession, flush_context, instances) -> None:
    tenant_id = session.tenant_id
    crossing = session.crosses_tenants
    for obj in session.new:
        if not isinstance(obj, TenantScoped):
            continue
        if obj.tenant_id is None:
            if tenant_id is None:
                raise TenantViolation(f"{type(obj).__name__} written without a tenant context")
            obj.tenant_id = tenant_id
        elif obj.tenant_id != tenant_id and not crossing:
            raise TenantViolation(f"{type(obj).__name__} belongs to another tenant")
    for obj in list(session.dirty) + list(session.deleted):
        if getattr(obj, "__append_only__", False):
            raise TenantViolation(f"{type(obj).__name__} is append-only")
        if not isinstance(obj, TenantScoped) or crossing:
            continue
        history = sa.inspect(obj).attrs.tenant_id.history
        if history.has_changes() or obj.tenant_id != tenant_id:
            raise TenantViolation(f"{type(obj).__name__} cannot leave or enter a tenant")


_BIND_TENANT_SQL = (
    "SELECT set_config('app.tenant_id', %(_rls_tenant)s, true),"
    " set_config('app.tenant_proof', %(_rls_proof)s, true),"
    " set_config('app.cross_tenant', %(_rls_cross)s, true)"
)
_PENDING_BINDING = "opvangplein.pending_tenant_binding"
_SKIP_BINDING_RESULT = "opvangplein.skip_binding_result"


@event.listens_for(TenantSession, "after_begin")
def _set_postgres_tenant(session: TenantSession, transaction, connection) -> None:
    """Bind the transaction to the session's tenant, with its first statement.

    The binding is not sent on its own: :func:`_send_binding_with_first_statement` puts it in
    front of the transaction's first statement, in the same message (a round trip saved per
    transaction). ``set_config(…, true)`` lasts until the transaction ends, so every statement
    of the transaction, the first included, runs bound.
    """
    if connection.dialect.name != "postgresql":
        return
    tenant_id = session.tenant_id
    # ``app.cross_tenant`` is honoured only for the table owner (a one-role development set-up,
    # migrations); the platform role sees every row without it and the application role never.
    connection.info[_PENDING_BINDING] = {
        "_rls_tenant": str(tenant_id) if tenant_id else "",
        "_rls_proof": tenant_proof(session.info["rls_key"], tenant_id) if tenant_id else "",
        "_rls_cross": "on" if session.crosses_tenants else "off",
    }


def _send_binding_with_first_statement(
    connection, cursor, statement, parameters, context, executemany
):
    binding = connection.info.pop(_PENDING_BINDING, None)
    if binding is None:
        return statement, parameters
    # Only a compiled statement has its own ``%`` escaped for the parameters added here.
    compiled = context is not None and context.compiled is not None
    if (
        executemany
        or not compiled
        or not isinstance(parameters, dict)
        or not _binds_on_client(cursor)
    ):
        cursor.execute(_BIND_TENANT_SQL, binding)  # a statement of its own, as before
        return statement, parameters
    # Client-side binding sends both statements in one simple-protocol message; the cursor
    # then stands on the binding's result, which after_cursor_execute steps over.
    context.execution_options = context.execution_options.union({_SKIP_BINDING_RESULT: True})
    return f"{_BIND_TENANT_SQL}; {statement}", {**parameters, **binding}


def _step_over_binding_result(connection, cursor, statement, parameters, context, executemany):
    if context is not None and context.execution_options.get(_SKIP_BINDING_RESULT):
        cursor.nextset()


def _forget_pending_binding(connection) -> None:
    """A transaction that ended before any statement leaves no binding for the next one."""
    connection.info.pop(_PENDING_BINDING, None)


def _binds_on_client(cursor) -> bool:
    import psycopg

    return isinstance(cursor, psycopg.ClientCursor)


class Database:
    """The application's engine and session factory, and the platform's for crossing tenants.

    ``platform_url`` is the platform role's connection (``OPVANGPLEIN_PLATFORM_DATABASE_URL``);
    without one, platform sessions use ``url`` (SQLite, or PostgreSQL with one role for all).
    ``rls_key`` signs tenant bindings (core.rls); the development key by default.
    """

    def __init__(
        self,
        url: str,
        *,
        mailer=None,
        platform_url: str | None = None,
        rls_key: bytes = DEV_RLS_KEY,
        **engine_options,
    ) -> None:
        self.url = url
        self.platform_url = platform_url or url
        self.mailer = mailer
        # Hands committed outbox messages to the worker (core.jobs.celery_app sets it).
        self.mail_dispatch = None
        self.rls_key = rls_key
        self._engine_options = engine_options
        self.engine = self._create_engine(url)
        if self.is_postgres:
            event.listen(self.engine, "connect", self._check_rls_key)
        self._factory = sessionmaker(self.engine, class_=TenantSession, expire_on_commit=False)
        self._platform_engine: sa.Engine | None = None

    def _create_engine(self, url: str) -> sa.Engine:
        options = dict(self._engine_options)
        if url.startswith("sqlite"):
            options.setdefault("connect_args", {"check_same_thread": False})
        else:
            options.update(postgres_engine_options(options))
        engine = sa.create_engine(url, **options)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        if engine.dialect.name == "postgresql":
            event.listen(engine, "checkout", _refuse_a_closed_connection)
            event.listen(
                engine, "before_cursor_execute", _send_binding_with_first_statement, retval=True
            )
            event.listen(engine, "after_cursor_execute", _step_over_binding_result)
            event.listen(engine, "commit", _forget_pending_binding)
            event.listen(engine, "rollback", _forget_pending_binding)
        return engine

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def _check_rls_key(self, dbapi_connection, connection_record) -> None:
        """On each new connection: does the database accept this process's tenant bindings?
        With another key every tenant would look empty; say so instead."""
        probe = str(uuid.UUID(int=0))
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(
                "SELECT to_regprocedure(%s) IS NOT NULL,"
                " set_config('app.tenant_id', %s, true), set_config('app.tenant_proof', %s, true)",
                (f"public.{BOUND_TENANT_FUNCTION}()", probe, tenant_proof(self.rls_key, probe)),
            )
            installed = cursor.fetchone()[0]
            if installed:  # else the schema predates it; `db upgrade` will install it
                cursor.execute(f"SELECT public.{BOUND_TENANT_FUNCTION}() IS NOT NULL")
                accepted = cursor.fetchone()[0]
        finally:
            cursor.close()
            dbapi_connection.rollback()
        if installed and not accepted:
            raise RLSKeyMismatch(
                "The database refuses this process's tenant bindings: it holds another"
                " row-level security key (or none yet). Start every process with the key"
                " `db upgrade` stored (OPVANGPLEIN_RLS_KEY, or derived from OPVANGPLEIN_SECRET_KEY"
                " when that is empty), or store this one with"
                " `flask --app core db upgrade --replace-rls-key`."
            )

    def session(self, tenant_id: uuid.UUID | None = None) -> TenantSession:
        return self._prepared(self._factory(), tenant_id)

    def _prepared(self, session: TenantSession, tenant_id: uuid.UUID | None) -> TenantSession:
        session.info["tenant_id"] = tenant_id
        session.info["rls_key"] = self.rls_key
        # After commit the outbox hands new mail to the worker through this (see core.mail).
        session.info["mail_dispatch"] = self.mail_dispatch
        return session

    @property
    def platform_engine(self) -> sa.Engine:
        """The platform role's engine, connected on first use (most processes never cross)."""
        if self._platform_engine is None:
            same = self.platform_url == self.url
            self._platform_engine = self.engine if same else self._create_engine(self.platform_url)
        return self._platform_engine

    def dispose(self) -> None:
        """Close every pooled connection (of the platform engine too)."""
        self.engine.dispose()
        if self._platform_engine is not None:
            self._platform_engine.dispose()

    @contextmanager
    def tenant_session(self, tenant_id: uuid.UUID | None) -> Iterator[TenantSession]:
        """A session for one tenant that commits on success and rolls back on error."""
        with self.session(tenant_id) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def platform_session(self, *, actor: str, reason: str) -> Iterator[TenantSession]:
        """The audited escape hatch: a session that sees every tenant.

        Only platform-level code (tenant sync, platform admin tools) may use it; the reason and
        the actor are written to the platform audit log before anything else happens. On
        PostgreSQL it connects as the platform role, which row-level security admits to every
        tenant's rows (core.rls).
        """
        from core.audit import record_platform_action

        platform = TenantSession(self.platform_engine, expire_on_commit=False)
        with self._prepared(platform, None) as session:
            session.info["cross_tenant"] = True
            try:
                record_platform_action(
                    session, actor=actor, action="cross_tenant.open", detail={"reason": reason}
                )
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def ping(self) -> bool:
        with self.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        return True


# A pooled connection older than this is replaced at checkout: firewalls and PgBouncer-like
# proxies drop idle connections after some minutes, and a replaced one costs no query.
POOL_RECYCLE_SECONDS = 300


def postgres_engine_options(options: dict) -> dict:
    """Pool settings for PostgreSQL (see docs/operations.md, "Database connections").

    No ``pool_pre_ping``: it costs a round trip on every checkout, i.e. per request. Instead a
    connection is recycled after :data:`POOL_RECYCLE_SECONDS` and, at checkout, refused without
    any query when the server has already closed it (:func:`_refuse_a_closed_connection`).
    Statements bind their parameters on the client so the tenant binding can travel with the
    transaction's first statement.
    """
    import psycopg

    connect_args = {"cursor_factory": psycopg.ClientCursor, **options.get("connect_args", {})}
    return {
        "pool_pre_ping": False,
        "pool_recycle": POOL_RECYCLE_SECONDS,
        "pool_size": 5,
        "max_overflow": 10,
        **options,
        "connect_args": connect_args,
    }


def _refuse_a_closed_connection(dbapi_connection, connection_record, connection_proxy) -> None:
    """A connection the server closed (restart, ``pg_terminate_backend``, idle timeout) is
    replaced before use; the check only looks at the socket, no round trip.

    An idle connection has nothing to read: if its socket is readable, the server sent its
    goodbye (or closed it). The pool then discards it and checks out another (SQLAlchemy's
    ``DisconnectionError`` protocol).
    """
    import select

    if dbapi_connection.closed or dbapi_connection.broken:
        raise sa.exc.DisconnectionError("connection closed")
    # poll(), not select(): select() refuses a descriptor above FD_SETSIZE (1024), which a
    # busy worker reaches, and every checkout would then fail.
    poller = select.poll()
    try:
        poller.register(dbapi_connection.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
        ready = poller.poll(0)
    except (OSError, ValueError) as error:
        raise sa.exc.DisconnectionError(str(error)) from error
    if ready:
        raise sa.exc.DisconnectionError("the server closed the connection")


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # The web process and the workers write the same file; wait for a lock instead of failing.
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
