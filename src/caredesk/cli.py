"""The `caredesk` command line for administrators.

caredesk demo          set up (migrate, demo data) and run web server + worker
caredesk serve         run the web server
caredesk worker        run the background worker
caredesk migrate       create or update the database tables
caredesk createadmin   create an administrator log-in
caredesk seed          load deterministic demo or scale data
caredesk audit verify  check the audit trail's chain
caredesk bench roster  solve one rostering benchmark instance
caredesk manage ...    any Django management command
"""

from __future__ import annotations

import argparse
import getpass
import os
import signal
import subprocess
import sys
from collections.abc import Sequence


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.settings")
    import django

    django.setup()


def _ensure_var_dir() -> None:
    from django.conf import settings

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    (settings.VAR_DIR / "static").mkdir(exist_ok=True)


def cmd_migrate(args: argparse.Namespace) -> int:
    _setup()
    _ensure_var_dir()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=args.verbosity)
    return 0


def cmd_createadmin(args: argparse.Namespace) -> int:
    _setup()
    from django.contrib.auth import password_validation
    from django.core.exceptions import ValidationError

    from caredesk.accounts.models import User

    password = os.environ.get("CAREDESK_ADMIN_PASSWORD") or ""
    if not password:
        if not sys.stdin.isatty():
            print("error: set CAREDESK_ADMIN_PASSWORD or run interactively", file=sys.stderr)
            return 2
        password = getpass.getpass(f"Password for {args.username}: ")
    try:
        password_validation.validate_password(password)
    except ValidationError as exc:
        print("error: password: " + " ".join(exc.messages), file=sys.stderr)
        return 2
    if User.objects.filter(username__iexact=args.username).exists():
        print(f"error: username {args.username!r} is already taken", file=sys.stderr)
        return 2
    User.objects.create_superuser(args.username, args.email, password)
    print(f"Administrator {args.username} created.")
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    _setup()
    from caredesk.core import seeding

    report = seeding.seed(scale=args.scale, seed=args.seed, verbose=True)
    print(report.summary())
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    _setup()
    from caredesk.core import audit

    result = audit.verify()
    if result.ok:
        print(f"audit trail intact: {result.checked} events, head #{result.head_seq} seal {result.head_seal}")
        return 0
    print(f"audit trail BROKEN at {result.problem} (checked {result.checked} events before it)", file=sys.stderr)
    return 1


def _serve_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default=os.environ.get("HOST", "127.0.0.1"), help="address to listen on (default 127.0.0.1, or $HOST)"
    )
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("PORT", "8000")), help="port (default 8000, or $PORT)"
    )
    parser.add_argument("--workers", type=int, default=2, help="web server processes (default 2)")


def cmd_serve(args: argparse.Namespace) -> int:
    _setup()
    from gunicorn.app.base import BaseApplication

    from caredesk.wsgi import application

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{args.host}:{args.port}")
            self.cfg.set("workers", args.workers)
            self.cfg.set("threads", 4)
            self.cfg.set("accesslog", "-" if args.access_log else None)
            self.cfg.set("graceful_timeout", 5)

        def load(self) -> object:
            return application

    Server().run()
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    _setup()
    from caredesk.core import worker

    worker.run(queues=args.queues)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Migrate, load the demo data (idempotent), then run worker and web server."""
    _setup()
    _ensure_var_dir()
    from django.core.management import call_command

    from caredesk.core import seeding

    print("Migrating the database…", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    print("Loading demo data (skipped where already present)…", flush=True)
    report = seeding.seed(scale=1, seed=args.seed, verbose=False)
    print(report.summary())
    if args.setup_only:
        return 0
    url = f"http://{args.host}:{args.port}"
    print()
    print(f"CareDesk is running at {url}  (Ctrl-C stops the web server and the worker)")
    print(seeding.demo_logins_table())
    sys.stdout.flush()
    # Fixed argument lists (no shell, no user input): the worker and the server.
    worker = subprocess.Popen([sys.executable, "-m", "caredesk.cli", "worker"], start_new_session=True)
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "caredesk.cli", "serve", "--host", args.host, "--port", str(args.port)],
        start_new_session=True,
    )
    children = [server, worker]

    def stop(signum: int, frame: object) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    try:
        while all(c.poll() is None for c in children):
            try:
                server.wait(timeout=1)
            except subprocess.TimeoutExpired:
                continue
    finally:
        stop(signal.SIGTERM, None)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        code = 0 if server.returncode in (0, -signal.SIGTERM) else int(server.returncode or 0)
    print("CareDesk stopped.")
    return code


def cmd_bench(args: argparse.Namespace, rest: list[str]) -> int:
    if args.what == "roster":
        from caredesk.scheduling.solver import benchcli

        return int(benchcli.main(rest))
    print(f"unknown benchmark {args.what!r}", file=sys.stderr)
    return 2


def cmd_manage(rest: list[str]) -> int:
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["caredesk manage", *rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="caredesk", description="CareDesk administration.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("demo", help="set up the laptop demo and run web server + worker", description=cmd_demo.__doc__)
    _serve_args(p)
    p.add_argument("--seed", type=int, default=1, help="random seed of the demo data (default 1)")
    p.add_argument("--setup-only", action="store_true", help="migrate and load data, then exit")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("serve", help="run the web server (gunicorn)", description="Run the web server.")
    _serve_args(p)
    p.add_argument("--access-log", action="store_true", help="print one line per request")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser(
        "worker",
        help="run the background worker",
        description="Run the background task worker, its heartbeat and the periodic jobs.",
    )
    p.add_argument("--queues", default="*", help="comma-separated queues to process (default: all)")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("migrate", help="create or update the database tables", description="Apply database migrations.")
    p.add_argument("--verbosity", type=int, default=1)
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser(
        "createadmin",
        help="create an administrator log-in",
        description="Create a superuser. The password comes from $CAREDESK_ADMIN_PASSWORD or a prompt.",
    )
    p.add_argument("--username", default="admin")
    p.add_argument("--email", default="")
    p.set_defaults(func=cmd_createadmin)

    p = sub.add_parser(
        "seed",
        help="load deterministic demo or scale data",
        description="Generate a deterministic organisation: scale 1 is a 120-bed community hospital and a 60-bed "
        "nursing home with about 190 staff; scale N repeats that N times. Idempotent.",
    )
    p.add_argument("--scale", type=int, default=1, help="how many hospital + nursing-home pairs (default 1)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.set_defaults(func=cmd_seed)

    p = sub.add_parser("audit", help="audit trail tools", description="Audit trail tools.")
    audit_sub = p.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    v = audit_sub.add_parser(
        "verify",
        help="check the whole chain",
        description="Check every event's seal and the chain; exit 1 naming the first event changed, removed or inserted.",
    )
    v.set_defaults(func=cmd_audit_verify)

    p = sub.add_parser(
        "bench", help="benchmarks", description="Run one benchmark; see `caredesk bench roster --help`.", add_help=False
    )
    p.add_argument("what", choices=["roster"], help="which benchmark")
    p.set_defaults(func=None, bench=True)

    sub.add_parser("manage", help="run any Django management command", add_help=False).set_defaults(
        func=None, manage=True
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "manage":
        return cmd_manage(argv[1:])
    if argv and argv[0] == "bench" and len(argv) >= 2 and argv[1] not in ("-h", "--help"):
        args, _ = build_parser().parse_known_args(argv[:2])
        return cmd_bench(args, argv[2:])
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
