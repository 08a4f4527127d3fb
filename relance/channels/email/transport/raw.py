"""Reading what the transports need from a stored message without parsing it.

The outbox keeps each e-mail exactly as ``EmailMessage.message().as_bytes()`` wrote it, with
bare ``\\n`` line ends. SMTP wants ``\\r\\n``: servers patched against SMTP smuggling reject bare
line feeds. The header fields needed are found in the header block with a regular expression:
the ``email`` parser would cost more than sending the message (this is the hot path).
"""

from __future__ import annotations

import re
from email.utils import getaddresses

_LONE_LF = re.compile(rb"(?<!\r)\n")
# A header field and its folded continuation lines.
_FIELD = rb"^%s:[ \t]*(.*(?:\r?\n[ \t].*)*)"
_MESSAGE_ID = re.compile(_FIELD % rb"Message-ID", re.IGNORECASE | re.MULTILINE)
_FROM = re.compile(_FIELD % rb"From", re.IGNORECASE | re.MULTILINE)


def with_crlf(content: bytes) -> bytes:
    """``content`` with every line ending in CRLF, as SMTP requires."""
    if b"\r" not in content:
        return content.replace(b"\n", b"\r\n")  # the usual case, and the fast one
    return _LONE_LF.sub(b"\r\n", content)


def header_block(content: bytes) -> bytes:
    """The message's header fields, up to the blank line that starts its body."""
    # The first line's ending tells which blank line to look for; searching for the other
    # kind would scan the whole message, attachments included.
    first = content.find(b"\n")
    blank = b"\r\n\r\n" if first > 0 and content[first - 1] == 0x0D else b"\n\n"
    end = content.find(blank)
    return content[: end + len(blank) // 2] if end >= 0 else content


def message_id(content: bytes) -> str:
    """The Message-ID header, angle brackets included, as providers and bounces quote it."""
    return _field(_MESSAGE_ID, content)


def from_address(content: bytes) -> str:
    """The bare address of the From header: the envelope sender when none is given."""
    found = getaddresses([_field(_FROM, content)])
    return found[0][1] if found else ""


def _field(pattern: re.Pattern[bytes], content: bytes) -> str:
    found = pattern.search(header_block(content))
    return " ".join(found.group(1).decode("ascii", "replace").split()) if found else ""
