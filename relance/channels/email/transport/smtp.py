"""SMTP: one connection for the whole batch, the stored bytes sent as they are.

Django's SMTP backend opens the connection, so STARTTLS, implicit TLS, the timeout and the
login follow ``EMAIL_URL`` exactly as for the rest of Django; sending bypasses it, because
re-rendering each message would cost more than sending it.

What the server says decides what the outbox does: a 5xx reply fails the message for good, a
4xx reply and any network trouble make it wait for a retry. A broken connection is dropped,
and the next message opens a new one: a server that went away and came back is found again by
the same transport.
"""

from __future__ import annotations

import contextlib
import logging
import re
import smtplib
import time

from django.core.mail.backends.smtp import EmailBackend

from relance.channels.email.transport import raw
from relance.channels.transport import (
    Outgoing,
    PermanentError,
    TransientError,
    UncertainError,
)

log = logging.getLogger(__name__)

# Servers drop idle clients (RFC 5321 allows it after 5 minutes, many do it sooner): a
# connection left unused this long is checked with NOOP before a message is trusted to it.
IDLE_SECONDS = 30.0


class SmtpTransport:
    def __init__(self, backend: EmailBackend | None = None) -> None:
        self.backend = backend or EmailBackend(fail_silently=False)
        self._used_at = 0.0

    def open(self) -> None:
        """Connect now if the server answers; if it does not, each ``send`` says so (as a
        TransientError, so the messages wait) and tries again."""
        try:
            self._connection()
        except TransientError as exc:
            log.warning("SMTP server not reachable yet: %s", exc)

    def send(self, message: Outgoing) -> str:
        connection = self._connection()
        content = raw.with_crlf(message.content)
        sender = message.sender or raw.from_address(content)
        try:
            refused = _sendmail(connection, sender, list(message.recipients), content)
        except UncertainError:
            self._drop()
            raise
        except smtplib.SMTPRecipientsRefused as exc:
            replies = exc.recipients
            details = "; ".join(f"{rcpt}: {_reply(*reply)}" for rcpt, reply in replies.items())
            if all(500 <= code < 600 for code, _words in replies.values()):
                raise PermanentError(f"every recipient was refused: {details}") from exc
            raise TransientError(f"recipients refused for now: {details}") from exc
        except smtplib.SMTPResponseException as exc:  # sender refused, data refused, others
            code, text = exc.smtp_code, _text(exc.smtp_error)
            if 500 <= code < 600:
                raise PermanentError(_reply(code, text)) from exc
            if code == 421 or not 400 <= code < 500:  # 421: the server is closing on us
                self._drop()
            raise TransientError(_reply(code, text)) from exc
        except smtplib.SMTPNotSupportedError as exc:  # e.g. an address needs SMTPUTF8
            raise PermanentError(f"the server cannot take this message: {exc}") from exc
        except OSError as exc:  # disconnected, refused, timed out, reset; SMTPException too
            self._drop()
            raise TransientError(f"{type(exc).__name__}: {exc}") from exc
        self._used_at = time.monotonic()
        if refused:
            # The others got it: the message counts as sent, the refusals are for a person.
            log.warning(
                "%s: sent, but the server refused %s",
                message.key,
                "; ".join(f"{rcpt}: {_reply(*reply)}" for rcpt, reply in refused.items()),
            )
        return raw.message_id(content)

    def close(self) -> None:
        try:
            self.backend.close()
        except (smtplib.SMTPException, OSError) as exc:
            log.info("SMTP connection closed uncleanly: %s", exc)
            self.backend.connection = None

    def _connection(self) -> smtplib.SMTP:
        connection = self.backend.connection
        if connection is not None and not self._alive(connection):
            self._drop()
            connection = None
        if connection is None:
            try:
                self.backend.open()
            except smtplib.SMTPResponseException as exc:
                # Even a 5xx here (a refused login) is the server's or our setting's fault,
                # not the message's: the messages wait while someone fixes it.
                raise TransientError(
                    "could not open the SMTP session: "
                    + _reply(exc.smtp_code, _text(exc.smtp_error))
                ) from exc
            except OSError as exc:
                raise TransientError(
                    f"could not connect to {self.backend.host}:{self.backend.port}: "
                    f"{type(exc).__name__}: {exc}"
                ) from exc
            connection = self.backend.connection
            assert connection is not None
            self._used_at = time.monotonic()
        return connection

    def _alive(self, connection: smtplib.SMTP) -> bool:
        if connection.sock is None:  # smtplib closed it after the server hung up
            return False
        if time.monotonic() - self._used_at < IDLE_SECONDS:
            return True
        try:
            return connection.noop()[0] == 250
        except (smtplib.SMTPException, OSError):
            return False

    def _drop(self) -> None:
        connection, self.backend.connection = self.backend.connection, None
        if connection is not None:
            with contextlib.suppress(OSError):
                connection.close()


def _sendmail(
    connection: smtplib.SMTP, sender: str, recipients: list[str], content: bytes
) -> dict[str, tuple[int, bytes]]:
    """``smtplib.SMTP.sendmail``, in phases: until the server says 354 nothing has left and
    any failure may be retried; once the data is on the wire, a broken connection leaves the
    message's fate unknown (``UncertainError``)."""
    connection.ehlo_or_helo_if_needed()
    code, reply = connection.mail(sender)
    if code != 250:
        _reset(connection, code)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused: dict[str, tuple[int, bytes]] = {}
    for recipient in recipients:
        code, reply = connection.rcpt(recipient)
        if code not in (250, 251):
            refused[recipient] = (code, reply)
    if len(refused) == len(recipients):
        _reset(connection, 0)
        raise smtplib.SMTPRecipientsRefused(refused)
    connection.putcmd("data")
    code, reply = connection.getreply()
    if code != 354:
        _reset(connection, code)
        raise smtplib.SMTPDataError(code, reply)
    # RFC 5321 4.5.2: a line starting with a dot gets another; the data ends with CRLF.CRLF.
    payload = re.sub(rb"(?m)^\.", b"..", content)
    if not payload.endswith(b"\r\n"):
        payload += b"\r\n"
    try:
        connection.send(payload + b".\r\n")
        code, reply = connection.getreply()
    except OSError as exc:  # includes SMTPServerDisconnected and timeouts
        raise UncertainError(
            f"the connection broke after the message was handed over: {type(exc).__name__}: {exc}"
        ) from exc
    if code != 250:
        _reset(connection, code)
        raise smtplib.SMTPDataError(code, reply)
    return refused


def _reset(connection: smtplib.SMTP, code: int) -> None:
    if code == 421:
        connection.close()  # the server is closing on us: RSET would fail
        return
    with contextlib.suppress(smtplib.SMTPException, OSError):
        connection.rset()


def _text(error: bytes | str) -> str:
    return error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)


def _reply(code: int, text: bytes | str) -> str:
    return f"{code} {_text(text)}".strip()
