"""Take the README's pictures of what customers receive: a reminder e-mail rendered in
headless Chromium, a formal notice letter rasterised with pdftoppm (poppler-utils).

Usage: .venv/bin/python scripts/content_screenshots.py   (needs `pip install playwright`, the
Debian packages chromium and poppler-utils; no browser is downloaded)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
RELANCE = Path(sys.executable).parent / "relance"


def main() -> None:
    home = tempfile.mkdtemp(prefix="relance-content-")
    env = {**os.environ, "RELANCE_HOME": home}
    env.pop("DATABASE_URL", None)
    run = {"env": env, "check": True, "capture_output": True}
    subprocess.run([RELANCE, "demo", "--no-serve", "--as-of", "2026-11-24"], **run)
    preview = Path(home) / "preview"
    subprocess.run(
        [
            RELANCE,
            "preview",
            "--as-of",
            "2026-11-24",
            "--customer",
            "C000023",
            "--channel",
            "email",
            "--out",
            preview,
        ],
        **run,
    )
    subprocess.run(
        [
            RELANCE,
            "preview",
            "--as-of",
            "2026-11-24",
            "--customer",
            "C000023",
            "--channel",
            "letter",
            "--level",
            "3",
            "--out",
            preview,
        ],
        **run,
    )
    html = next(preview.glob("*-email.html"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 760, "height": 900})
        page.goto(html.as_uri())
        page.screenshot(path=str(OUT / "email-level-2.png"), full_page=True)
        browser.close()
    letter = next(preview.glob("*-letter.pdf"))
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            letter,
            OUT / "letter-formal-notice",
        ],
        check=True,
    )
    print("written:", OUT / "email-level-2.png", OUT / "letter-formal-notice.png")


if __name__ == "__main__":
    main()
