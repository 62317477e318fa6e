import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from peiyu.core import crypto
from peiyu.core.rotation import rotate_encrypted_fields

pytestmark = pytest.mark.django_db


def test_tick_is_idempotent_and_clears_expired_sessions(capsys):
    Session.objects.create(
        session_key="x" * 32, session_data="", expire_date=timezone.now() - dt.timedelta(days=1)
    )
    call_command("tick")
    assert "sessions.clear_expired: 1" in capsys.readouterr().out
    call_command("tick")
    assert "sessions.clear_expired: 0" in capsys.readouterr().out


def test_tick_rejects_a_bad_time():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="不是有效的时间"):
        call_command("tick", "--at", "yesterday")


def test_key_rotation_reencrypts_old_values_only(world):
    from django.db import connection

    with override_settings(PEIYU_SM4_KEYS="t1:00112233445566778899aabbccddeeff"):
        user = world.sy_official
        user.phone = "13900000000"
        user.save(update_fields=["phone"])
    counts = rotate_encrypted_fields(dry_run=True)
    assert counts["accounts.User.phone"] == 1
    assert rotate_encrypted_fields()["accounts.User.phone"] == 1
    with connection.cursor() as cur:
        cur.execute("SELECT phone FROM accounts_user WHERE id = %s", [user.pk])
        assert crypto.key_id_of(cur.fetchone()[0]) == "t2"
    user.refresh_from_db()
    assert user.phone == "13900000000"
    assert rotate_encrypted_fields()["accounts.User.phone"] == 0


def test_load_policies_command_reports_versions(capsys):
    call_command("load_policies")
    out = capsys.readouterr().out
    assert "national-dte@v1" in out and "新增版本 5" in out
    call_command("load_policies")
    assert "新增版本 0" in capsys.readouterr().out
