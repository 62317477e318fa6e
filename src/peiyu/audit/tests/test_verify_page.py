import pytest

from peiyu.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_auditor_runs_verification_from_the_page_and_the_todo_clears(world, login_as):
    c = login_as(world.auditor)
    home = c.get("/home/").content.decode()
    assert "校验审计哈希链" in home
    page = c.post("/audit/verify/")
    assert page.status_code == 200 and "审计链完整" in page.content.decode()
    assert AuditEvent.objects.filter(action="audit.verified", actor_id=world.auditor.pk).exists()
    assert "校验审计哈希链" not in c.get("/home/").content.decode()


def test_others_get_403_not_a_server_error(world, login_as):
    assert login_as(world.sy_official).get("/audit/verify/").status_code == 403


def test_cli_verification_is_recorded(world):
    from django.core.management import call_command

    call_command("audit", "verify")
    assert AuditEvent.objects.filter(action="audit.verified", actor_repr="system").exists()
