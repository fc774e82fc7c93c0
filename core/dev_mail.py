"""Development mail catcher: an SMTP sink on 127.0.0.1 that keeps each message as a file.

``make run`` starts it (through :mod:`core.devstack`) and points the platform at it; the
development page ``/dev/post`` shows what was "sent". Tests use :class:`MailSink` in memory.
"""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller

from core.localnet import free_port


class _Collector:
    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)
            name = f"{len(list(self.directory.glob('*.eml'))):06d}.eml"
            (self.directory / name).write_bytes(envelope.content)
        return "250 Message accepted for delivery"


class MailSink:
    """An SMTP server on 127.0.0.1 that accepts everything and remembers it."""

    def __init__(self, port: int = 0, directory: Path | None = None) -> None:
        # aiosmtpd connects to its own port to check it is up, so it needs a real number, not 0.
        self.port = port or free_port()
        self.collector = _Collector(directory)
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self) -> list[EmailMessage]:
        return self.collector.messages

    def start(self) -> MailSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


def read_caught_mail(directory: Path) -> list[EmailMessage]:
    return [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in sorted(directory.glob("*.eml"), reverse=True)
    ]
