"""Transports that keep messages on this machine: ``.eml`` files, or the terminal."""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

from django.utils import timezone

from relance.channels.email.transport import raw
from relance.channels.transport import Outgoing


class EmlFileTransport:
    """One ``.eml`` file per message, named like ``relance.mail.backends.EmlFileBackend``'s."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)

    def send(self, message: Outgoing) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        target = self.folder / f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
        partial = target.with_suffix(".eml.part")
        # Written then renamed, so a reader never sees half a message.
        partial.write_bytes(message.content)
        os.replace(partial, target)
        return raw.message_id(message.content)

    def close(self) -> None:
        pass


class ConsoleTransport:
    """Each message printed on standard output, then a line of dashes (as Django does)."""

    def open(self) -> None:
        pass

    def send(self, message: Outgoing) -> str:
        # Looked up each time, so that a redirected stdout (tests, daemons) is honoured.
        stream = sys.stdout
        stream.write(message.content.decode("utf-8", "replace").rstrip("\n") + "\n")
        stream.write("-" * 79 + "\n")
        stream.flush()
        return raw.message_id(message.content)

    def close(self) -> None:
        pass
