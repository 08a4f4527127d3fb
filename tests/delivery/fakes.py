"""A transport that records what it is handed, and can be told to fail."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from relance.channels.transport import Outgoing


@dataclass
class RecordingTransport:
    sent: list[Outgoing] = field(default_factory=list)
    opened: int = 0
    closed: int = 0
    # Called before each send; raise from it to simulate a failure.
    before: Callable[[Outgoing], None] | None = None

    def open(self) -> None:
        self.opened += 1

    def send(self, message: Outgoing) -> str:
        if self.before is not None:
            self.before(message)
        self.sent.append(message)
        return f"<{message.key}@provider>"

    def close(self) -> None:
        self.closed += 1

    def sent_keys(self) -> list[str]:
        return [message.key for message in self.sent]
