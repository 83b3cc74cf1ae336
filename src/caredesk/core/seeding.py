"""Deterministic demo and scale data: `caredesk seed --scale N`.

Each app may contribute a `seed.py` with `ORDER` (int) and `run(ctx)`; they run
in order inside one transaction per run. Seeding is idempotent: a site whose
code exists is left as it is, so `make demo` can run any number of times.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db import transaction

from caredesk.core import audit

DEMO_PASSWORD = "CareDesk-demo-2026"


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    skipped_sites: list[str] = field(default_factory=list)

    def add(self, what: str, n: int = 1) -> None:
        if n:
            self.created[what] = self.created.get(what, 0) + n

    def summary(self) -> str:
        made = ", ".join(f"{n} {what}" for what, n in self.created.items() if n) or "nothing new"
        kept = f"; already present: {', '.join(self.skipped_sites)}" if self.skipped_sites else ""
        return f"Seed: created {made}{kept}."


@dataclass
class SeedContext:
    scale: int
    seed: int
    rng: random.Random
    report: SeedReport
    verbose: bool = False
    shared: dict[str, Any] = field(default_factory=dict)  # what one step hands to the next

    def say(self, message: str) -> None:
        if self.verbose:
            print(message, flush=True)


def _steps() -> list[Any]:
    found = []
    for app in apps.get_app_configs():
        if not app.name.startswith("caredesk."):
            continue
        try:
            module = import_module(f"{app.name}.seed")
        except ModuleNotFoundError as exc:
            if exc.name == f"{app.name}.seed":
                continue
            raise
        found.append(module)
    return sorted(found, key=lambda m: (getattr(m, "ORDER", 100), m.__name__))


def seed(*, scale: int = 1, seed: int = 1, verbose: bool = False) -> SeedReport:
    if scale < 1:
        raise ValueError("scale must be at least 1")
    ctx = SeedContext(scale=scale, seed=seed, rng=random.Random(seed), report=SeedReport(), verbose=verbose)
    with transaction.atomic():
        for step in _steps():
            ctx.say(f"seeding {step.__name__}…")
            step.run(ctx)
        if ctx.report.created:
            audit.record(
                actor=None,
                action="core.seed",
                object_type="core.seed",
                after={"scale": scale, "seed": seed, **ctx.report.created},
            )
    return ctx.report


def demo_logins_table() -> str:
    from caredesk.accounts.seed import DEMO_LOGINS

    width = max(len(u) for u, _ in DEMO_LOGINS)
    lines = [f"Demo log-ins (password for all: {DEMO_PASSWORD}):"]
    lines += [f"  {username.ljust(width)}  {what}" for username, what in DEMO_LOGINS]
    return "\n".join(lines)
