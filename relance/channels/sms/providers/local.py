"""SMS transports that stay on this machine: a folder of ``.txt`` files, or standard output.

They apply the same rules as the real providers (one number, UTF-8 text, a valid sender), so
a message that passes here fails at a provider only for reasons of the provider's own.
"""

from __future__ import annotations

import os
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

from relance.channels.sms.providers.base import sender_for, single_recipient, text_of
from relance.channels.transport import Outgoing


def _render(message: Outgoing, sender: str) -> str:
    header = [
        f"To: {single_recipient(message)}",
        f"From: {sender_for(message, sender) or '(provider default)'}",
        f"Key: {message.key}",
    ]
    return "\n".join(header) + "\n\n" + text_of(message) + "\n"


class FileTransport:
    """One ``.txt`` file per SMS in ``folder``, named after the time and a random id."""

    def __init__(self, folder: Path, sender: str = "") -> None:
        self.folder = folder
        self.sender = sender

    def open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)

    def send(self, message: Outgoing) -> str:
        text = _render(message, self.sender)
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        target = self.folder / f"{stamp}-{uuid.uuid4().hex[:12]}.txt"
        partial = target.with_suffix(".txt.part")
        # Written then renamed, so a reader never sees half a message.
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, target)
        return target.name

    def close(self) -> None:
        pass


class ConsoleTransport:
    """Prints each SMS on standard output, for trying relance out."""

    def __init__(self, sender: str = "") -> None:
        self.sender = sender

    def open(self) -> None:
        pass

    def send(self, message: Outgoing) -> str:
        text = _render(message, self.sender)
        # sys.stdout at send time, not import time, so redirections apply.
        sys.stdout.write(text + "-" * 40 + "\n")
        sys.stdout.flush()
        return f"console-{uuid.uuid4().hex[:12]}"

    def close(self) -> None:
        pass
