"""The `caredesk` command line."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.db import transaction

from caredesk import cli
from caredesk.core import audit
from tests.core.test_audit import around_the_trigger

COMMANDS = [["demo"], ["serve"], ["worker"], ["migrate"], ["createadmin"], ["seed"], ["audit"], ["audit", "verify"]]


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_every_command_explains_itself(command, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main([*command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: caredesk") and len(out.splitlines()) >= 3


def test_top_level_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    for name in ("demo", "serve", "worker", "migrate", "createadmin", "seed", "audit", "bench"):
        assert name in out


def test_console_script_is_installed():
    result = subprocess.run(
        [sys.executable, "-m", "caredesk.cli", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "caredesk" in result.stdout


@pytest.mark.django_db
def test_audit_verify_exit_codes(world, capsys):
    with transaction.atomic():
        event = audit.record(actor=world.director_a, action="test.cli", obj=world.icu_a)
    assert cli.main(["audit", "verify"]) == 0
    assert "intact" in capsys.readouterr().out
    from caredesk.core.models import AuditEvent

    with around_the_trigger():
        AuditEvent.objects.filter(pk=event.pk).update(actor_username="someone-else")
    assert cli.main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"event #{event.seq}" in err and "changed" in err


@pytest.mark.django_db
def test_createadmin_validates_the_password(monkeypatch, capsys):
    from caredesk.accounts.models import User

    monkeypatch.setenv("CAREDESK_ADMIN_PASSWORD", "short")
    assert cli.main(["createadmin", "--username", "boss"]) == 2
    assert "password" in capsys.readouterr().err
    monkeypatch.setenv("CAREDESK_ADMIN_PASSWORD", "Granite-harbour-lamp-77")
    assert cli.main(["createadmin", "--username", "boss"]) == 0
    assert User.objects.get(username="boss").is_superuser
    assert cli.main(["createadmin", "--username", "BOSS"]) == 2
