import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from peiyu.accounts.models import RoleAssignment, User
from peiyu.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_setup_then_three_distinct_administrators(monkeypatch, capsys):
    call_command("setup")
    assert "初始化完成" in capsys.readouterr().out
    for username, role in (("root-sys", "sysadmin"), ("root-sec", "secadmin"), ("root-aud", "auditor")):
        monkeypatch.setattr("sys.stdin", io.StringIO("Very-Str0ng-Passw0rd\n"))
        call_command("create_admin", "--username", username, "--role", role, "--password-stdin")
    assert RoleAssignment.objects.filter(separation__in=["system", "security", "audit"]).count() == 3
    assert AuditEvent.objects.filter(action="user.admin_bootstrapped").count() == 3
    assert User.objects.get(username="root-sec").check_password("Very-Str0ng-Passw0rd")


def test_weak_password_is_refused_with_the_reason(monkeypatch):
    call_command("setup")
    monkeypatch.setattr("sys.stdin", io.StringIO("weak\n"))
    with pytest.raises(CommandError, match="太短"):
        call_command("create_admin", "--username", "x", "--role", "sysadmin", "--password-stdin")
    assert not User.objects.filter(username="x").exists()
