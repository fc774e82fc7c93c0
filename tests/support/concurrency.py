"""Many requests at the same moment, as many web workers would serve them."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

PEOPLE = 20


def at_once(app, tenant: uuid.UUID, action: Callable, people: int = PEOPLE) -> list[BaseException]:
    """Run ``action(session, number)`` in ``people`` threads that start together, each in its
    own tenant transaction; return what they raised."""
    database = app.extensions["opvangplein.db"]
    start = threading.Barrier(people)
    failures: list[BaseException] = []

    def person(number: int) -> None:
        try:
            with database.tenant_session(tenant) as session:
                start.wait()
                action(session, number)
        except BaseException as error:  # noqa: BLE001 — the test reports it
            failures.append(error)

    threads = [threading.Thread(target=person, args=(n,)) for n in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return failures
