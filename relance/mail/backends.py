"""E-mail backend that drops each message as an RFC 5322 ``.eml`` file in a folder.

Django's own file backend appends messages to ``.log`` files; one ``.eml`` per message
opens directly in any mail client and is what the outbox folder promises.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage
from django.utils import timezone


class EmlFileBackend(BaseEmailBackend):
    def __init__(self, file_path: str | None = None, fail_silently: bool = False, **kwargs: Any):
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.folder = Path(file_path or getattr(settings, "EMAIL_FILE_PATH", None) or "outbox")

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            target = self.folder / f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
            partial = target.with_suffix(".eml.part")
            # Written then renamed, so a reader never sees half a message.
            partial.write_bytes(message.message().as_bytes())
            os.replace(partial, target)
            sent += 1
        return sent
