"""A local SMTP server that keeps what it receives as ``.eml`` files: what the demo sends to,
so its reminders travel over real SMTP and land in the outbox folder."""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from django.conf import settings
from django.utils import timezone


class _KeepAsEml:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:12]}.eml"
        partial = target.with_suffix(".eml.part")
        partial.write_bytes(envelope.original_content)
        os.replace(partial, target)  # a reader never sees half a message
        return "250 Message accepted for delivery"


class LocalSmtp:
    def __init__(self, folder: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        if not port:
            with socket.socket() as probe:
                probe.bind((host, 0))
                port = probe.getsockname()[1]
        self.host, self.port, self.folder = host, port, folder
        self.controller = Controller(_KeepAsEml(folder), hostname=host, port=port)
        self._previous: dict[str, Any] = {}

    def start(self) -> LocalSmtp:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
        for name, value in self._previous.items():
            setattr(settings, name, value)
        self._previous = {}

    def use(self) -> None:
        """Point this process's e-mail settings at the server (plain SMTP, no login) until
        ``stop``."""
        wanted = {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": self.host,
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
        }
        self._previous = {name: getattr(settings, name, None) for name in wanted}
        for name, value in wanted.items():
            setattr(settings, name, value)
