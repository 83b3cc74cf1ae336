"""Regenerate the README screenshot: docs/screenshots/home.png.

Starts the same throw-away server as the browser test (scale-1 demo data on a
temporary SQLite database, see tests/e2e/conftest.py), logs in as `director`
with Debian's chromium and saves a full-page screenshot of the home page at
1280x800.

    .venv/bin/python tools/screenshot.py [OUTPUT.png]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import VIEWPORT, launch_chromium, start_server, stop_server  # noqa: E402


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.settings")
    import django

    django.setup()  # only to read the demo password constant; the server has its own database
    from caredesk.core.seeding import DEMO_PASSWORD

    output = Path(argv[0]) if argv else ROOT / "docs" / "screenshots" / "home.png"
    output.parent.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import expect, sync_playwright

    with tempfile.TemporaryDirectory(prefix="caredesk-screenshot-") as tmp:
        server = start_server(Path(tmp))
        try:
            with sync_playwright() as p:
                browser = launch_chromium(p)
                try:
                    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
                    page = context.new_page()
                    page.goto(f"{server.base_url}/accounts/login/")
                    page.fill("#id_username", "director")
                    page.fill("#id_password", DEMO_PASSWORD)
                    page.click("#login-button")
                    expect(page).to_have_url(f"{server.base_url}/")
                    expect(page.locator("#user-menu")).to_be_visible()
                    page.wait_for_load_state("networkidle")
                    page.screenshot(path=str(output), full_page=True)
                finally:
                    browser.close()
        finally:
            stop_server(server)
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
