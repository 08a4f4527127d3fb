"""Take the README's screenshots: demo data, a real server, headless Chromium.

Usage: .venv/bin/python scripts/screenshots.py   (needs `pip install playwright` and the
Debian package chromium; no browser is downloaded)
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
RELANCE = Path(sys.executable).parent / "relance"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main() -> None:
    home = tempfile.mkdtemp(prefix="relance-shots-")
    env = {**os.environ, "RELANCE_HOME": home}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [RELANCE, "demo", "--no-serve", "--as-of", "2026-11-24"],
        env=env,
        check=True,
        capture_output=True,
    )
    history = subprocess.run(
        [RELANCE, "history", "--format", "json"], env=env, check=True, capture_output=True
    )
    reminded = json.loads(history.stdout)["entries"][0]["customer"]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [RELANCE, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/admin/login/")
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS
            )
            page = browser.new_page(viewport={"width": 1440, "height": 860}, locale="fr-FR")
            page.goto(base + "/admin/login/")
            page.fill("#id_username", "demo")
            page.fill("#id_password", "demo")
            page.click("input[type=submit]")
            shots = {
                "admin-invoices.png": "/admin/ledger/invoice/?open=yes&overdue=yes",
                "admin-customers.png": "/admin/ledger/customer/?o=-6",
                "admin-import.png": "/admin/ledger/invoice/import/",
                "admin-review.png": "/admin/runs/action/?state__exact=proposed",
                "admin-journal.png": "/admin/runs/journalentry/",
                "admin-groups.png": "/admin/dunning/group/",
            }
            OUT.mkdir(parents=True, exist_ok=True)
            for name, path in shots.items():
                page.goto(base + path)
                page.screenshot(path=str(OUT / name))
                print(OUT / name)
            page.goto(f"{base}/admin/ledger/customer/?q={reminded}")
            page.click(f"th.field-code a >> text={reminded}")
            page.screenshot(path=str(OUT / "admin-customer-history.png"), full_page=True)
            print(OUT / "admin-customer-history.png")
            examples = ROOT / "docs" / "examples"
            page.goto(base + "/admin/ledger/customer/import/")
            page.set_input_files("#id_file", str(examples / "customers.csv"))
            page.click("input[type=submit]")
            page.goto(base + "/admin/ledger/invoice/import/")
            page.set_input_files("#id_file", str(examples / "invoices-with-errors.csv"))
            page.click("input[type=submit]")
            page.screenshot(path=str(OUT / "admin-import-errors.png"))
            print(OUT / "admin-import-errors.png")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
