import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

RELANCE = Path(sys.executable).parent / "relance"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="exercises the embedded SQLite set-up only",
)
def test_serve_answers_the_login_page_in_french_with_static_files(tmp_path):
    env = {**os.environ, "RELANCE_HOME": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    subprocess.run([RELANCE, "init"], env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [RELANCE, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/") as answer:
                    body = answer.read().decode()
                    break
            except OSError:
                time.sleep(0.1)
        assert "Nom d’utilisateur" in body or "Nom d'utilisateur" in body
        css = f"http://127.0.0.1:{port}/static/admin/css/base.css"
        with urllib.request.urlopen(css) as answer:
            assert answer.status == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
