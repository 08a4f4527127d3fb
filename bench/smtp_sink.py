"""A minimal SMTP server for the sending benchmark: it accepts every message, keeps nothing
but a count of each Message-ID, and answers two extra commands, ``XSTAT`` (how many messages,
how many distinct Message-IDs, how many received more than once) and ``XRESET``.

aiosmtpd, parsing every command and envelope, tops out near 420 messages a second on one core:
it would measure itself, not relance. This one only finds the end of each message's data.

Usage: python bench/smtp_sink.py --port N           serve (prints "ready" when listening)
       python bench/smtp_sink.py --blast N FILE     connect to port N, print "ready", then
                                                    send FILE COUNT times for each line
                                                    COUNT read on stdin
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import smtplib
import socket
import sys
import time
from collections import Counter

# Dot-stuffing never touches header lines, so the header block can be searched as it came.
_MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(<[^>\r\n]*>)", re.IGNORECASE | re.MULTILINE)
_END = b"\r\n.\r\n"


class Tally:
    def __init__(self) -> None:
        self.ids: Counter[bytes] = Counter()
        self.messages = 0

    def add(self, data: bytes) -> None:
        self.messages += 1
        header = data[: data.find(b"\r\n\r\n")]
        found = _MESSAGE_ID.search(header)
        self.ids[found.group(1) if found else b"<none:%d>" % self.messages] += 1

    def stat(self) -> bytes:
        duplicated = sum(1 for count in self.ids.values() if count > 1)
        return b"250 %d %d %d\r\n" % (self.messages, len(self.ids), duplicated)


class Session(asyncio.Protocol):
    def __init__(self, tally: Tally) -> None:
        self.tally = tally
        self.buffer = bytearray()
        self.in_data = False
        self.scanned = 0  # how much of the data was already searched for its end

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(b"220 sink ESMTP\r\n")

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        replies = []
        while True:
            if self.in_data:
                if self.buffer.startswith(b".\r\n"):  # an empty message
                    end, skip = 0, 3
                else:
                    end = self.buffer.find(_END, max(self.scanned - 4, 0))
                    skip = 5
                if end < 0:
                    self.scanned = len(self.buffer)
                    break
                self.tally.add(bytes(self.buffer[:end]))
                del self.buffer[: end + skip]
                self.in_data, self.scanned = False, 0
                replies.append(b"250 2.0.0 accepted\r\n")
                continue
            end = self.buffer.find(b"\r\n")
            if end < 0:
                break
            line = bytes(self.buffer[:end])
            del self.buffer[: end + 2]
            verb = line[:4].upper()
            if verb == b"EHLO":
                replies.append(b"250-sink\r\n250-8BITMIME\r\n250 SIZE 52428800\r\n")
            elif verb == b"DATA":
                self.in_data = True
                replies.append(b"354 end with <CRLF>.<CRLF>\r\n")
            elif verb == b"QUIT":
                replies.append(b"221 bye\r\n")
                self.transport.write(b"".join(replies))
                self.transport.close()
                return
            elif verb == b"XSTA":
                replies.append(self.tally.stat())
            elif verb == b"XRES":
                self.tally.__init__()  # type: ignore[misc]
                replies.append(b"250 reset\r\n")
            else:  # HELO, MAIL, RCPT, RSET, NOOP: all welcome
                replies.append(b"250 OK\r\n")
        if replies:
            self.transport.write(b"".join(replies))


async def serve(port: int) -> None:
    tally = Tally()
    server = await asyncio.get_running_loop().create_server(
        lambda: Session(tally), "127.0.0.1", port, backlog=128
    )
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


def stat(port: int) -> tuple[int, int, int]:
    """Messages received, distinct Message-IDs, Message-IDs received more than once."""
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as control:
        code, text = control.docmd("XSTAT")
        assert code == 250, text
        messages, distinct, duplicated = (int(word) for word in text.split())
        return messages, distinct, duplicated


def reset(port: int) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as control:
        control.docmd("XRESET")


def blast(port: int, path: str) -> None:
    """Send the file as fast as smtplib can, the way a worker does: one connection, CRLF
    bytes, a fresh Message-ID each time."""
    with open(path, "rb") as stored:
        content = stored.read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    found = _MESSAGE_ID.search(content)
    assert found is not None, f"{path} has no Message-ID"
    head, tail = content[: found.start(1)], content[found.end(1) :]
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        client.ehlo()
        print("ready", flush=True)
        for line in sys.stdin:
            for n in range(int(line)):
                client.sendmail(
                    "bench@relance.example",
                    ["sink@relance.example"],
                    b"".join((head, b"<blast.%d.%d@bench>" % (os.getpid(), n), tail)),
                )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int)
    parser.add_argument("--blast", nargs=2, metavar=("PORT", "FILE"))
    args = parser.parse_args()
    if args.blast:
        blast(int(args.blast[0]), args.blast[1])
    else:
        started = time.perf_counter()
        try:
            asyncio.run(serve(args.port))
        except KeyboardInterrupt:
            print(f"sink stopped after {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
