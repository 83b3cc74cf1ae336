"""Browser-test fixtures: a real CareDesk server in a subprocess, and chromium.

The audit table refuses DELETE, so pytest-django's live_server (which empties
every table between tests) is not used. Instead one server per test session
runs against its own throw-away SQLite database, migrated and loaded with the
scale-1 demo data through the `caredesk` command line, exactly as an
administrator would do it. The browser test always uses SQLite, even when the
rest of the suite runs on PostgreSQL.

`start_server` / `stop_server` are plain functions so that tools/screenshot.py
can start the same server outside pytest.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import skip_or_fail

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags chromium keeps trying to reach
# Google's services, which floods a closed network with failing requests.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1280, "height": 800}
STARTUP_TIMEOUT = 30.0  # seconds for the server to answer its log-in page


@dataclass
class Server:
    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    # The background worker (roster generation, alerts), as `make demo` runs it.
    worker: subprocess.Popen[bytes] | None = None


def server_env(var_dir: Path) -> dict[str, str]:
    """The environment of the server: inherited, but with its own SQLite database."""
    env = dict(os.environ)
    # Whatever database the suite itself uses, the browser test runs on SQLite.
    for name in ("DATABASE_URL", "CAREDESK_ALLOWED_HOSTS", "CAREDESK_SECURE_COOKIES", "CAREDESK_PRODUCTION"):
        env.pop(name, None)
    env.update(
        CAREDESK_VAR_DIR=str(var_dir),
        DATABASE_URL=f"sqlite:///{var_dir}/e2e.sqlite3",
        CAREDESK_LOCKOUT_FAILURES="1000",  # the wrong-password test must not lock anyone out
        DJANGO_SETTINGS_MODULE="caredesk.settings",
        PYTHONUNBUFFERED="1",
    )
    return env


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _caredesk(*args: str) -> list[str]:
    # `python -m caredesk.cli` works without the console script on PATH.
    return [sys.executable, "-m", "caredesk.cli", *args]


def _log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def start_server(var_dir: Path) -> Server:
    """Migrate, seed (scale 1) and serve CareDesk from `var_dir`; return once it answers."""
    var_dir.mkdir(parents=True, exist_ok=True)
    env = server_env(var_dir)
    for step in (_caredesk("migrate", "--verbosity", "0"), _caredesk("seed", "--scale", "1")):
        done = subprocess.run(step, env=env, capture_output=True, text=True, timeout=300, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(step[2:])} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = var_dir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            _caredesk("serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: gunicorn's worker goes with it
        )
    with (var_dir / "worker.log").open("wb") as log:
        worker = subprocess.Popen(
            _caredesk("worker"), env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(base_url, process, log_path, worker)

    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        if process.poll() is not None:
            stop_server(server)
            raise RuntimeError(f"the server exited with {process.returncode}:\n{_log_tail(log_path)}")
        try:
            with urllib.request.urlopen(f"{base_url}/accounts/login/", timeout=2) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            stop_server(server)
            raise RuntimeError(f"the server did not answer within {STARTUP_TIMEOUT:.0f} s:\n{_log_tail(log_path)}")
        time.sleep(0.1)


def stop_server(server: Server) -> None:
    """Stop gunicorn and the worker gracefully; kill their process groups if they do not go in time."""
    for process in (server.process, server.worker):
        if process is None or process.poll() is not None:
            continue
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # the group start_server created
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def caredesk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a CareDesk server with the scale-1 demo data (SQLite, session-wide)."""
    var_dir = tmp_path_factory.mktemp("e2e")
    try:
        server = start_server(var_dir)
    except RuntimeError as exc:
        pytest.fail(f"could not start the CareDesk server for the browser test: {exc}")
    try:
        yield server.base_url
    finally:
        stop_server(server)


def launch_chromium(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium driven by Playwright (sync API), headless."""
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        skip_or_fail(f"Debian's chromium is not installed ({CHROMIUM} is missing): apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        skip_or_fail(
            f"Debian's chromium is not installed or Playwright cannot be imported ({exc}): pip install playwright"
        )
    with sync_playwright() as p:
        try:
            chromium = launch_chromium(p)
        except Exception as exc:  # a broken chromium is "not installed" for this purpose
            skip_or_fail(f"Debian's chromium is not installed properly: it does not start ({exc})")
        try:
            yield chromium
        finally:
            chromium.close()


@contextlib.contextmanager
def fresh_page(browser: Any, **options: Any) -> Iterator[Any]:
    """A page in its own browser context (own cookies), closed afterwards."""
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page at 1280x800, in English unless the user chooses otherwise."""
    with fresh_page(browser, viewport=VIEWPORT, locale="en-US") as pg:
        yield pg
