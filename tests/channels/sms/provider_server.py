"""A local HTTP server standing in for an SMS provider: it records every request as it
arrived, counts TCP connections, and answers what the test scripted."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)


@dataclass
class Reply:
    status: int
    body: object
    delay: float = 0.0


@dataclass
class ProviderServer:
    url: str = ""
    requests: list[Request] = field(default_factory=list)
    connections: int = 0
    replies: deque[Reply] = field(default_factory=deque)
    # What Twilio, Brevo and OVHcloud would all take for a success.
    default: Reply = field(
        default_factory=lambda: Reply(201, {"sid": "SM0", "messageId": 0, "ids": [0]})
    )
    clock: int = 1_800_000_000  # what OVHcloud's /auth/time answers
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def posts(self) -> list[Request]:
        return [request for request in self.requests if request.method == "POST"]

    def answer(self, status: int, body: object, delay: float = 0.0) -> None:
        """Script the next answer (then the default one again)."""
        self.replies.append(Reply(status, body, delay))


def _handler(server: ProviderServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, so connection reuse can be seen
        disable_nagle_algorithm = True  # headers and body leave in separate writes

        def setup(self) -> None:
            super().setup()
            with server.lock:
                server.connections += 1

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            with server.lock:
                server.requests.append(Request("POST", self.path, headers, body))
                reply = server.replies.popleft() if server.replies else server.default
            time.sleep(reply.delay)
            payload = (
                reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
            )
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the client gave up waiting (timeout tests)

        def do_GET(self) -> None:
            """OVHcloud's clock, the only GET an SMS provider gets here."""
            with server.lock:
                headers = {name.lower(): value for name, value in self.headers.items()}
                server.requests.append(Request("GET", self.path, headers, b""))
            payload = str(server.clock).encode()
            self.send_response(200 if self.path == "/1.0/auth/time" else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def provider() -> Iterator[ProviderServer]:
    state = ProviderServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()
    thread.join()
