"""List APIs run a constant number of queries whatever the number of rows (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peiyu.accounts.models import Org, User
from peiyu.audit.services import audit_record
from peiyu.core.identifiers import uscc_with_check

pytestmark = pytest.mark.django_db


def _count(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)


def _grow(world, n):
    base = Org.objects.count()
    for i in range(n):
        org = Org.objects.create(
            name=f"机构{base + i}", kind="institution", region_id="210102",
            uscc=uscc_with_check(f"91210102MA0{base + i:06d}"), recommended_by=world.orgs["ia"],
        )  # fmt: skip
        User.objects.create_user(username=f"u{base + i}", password="x", primary_org=org)
        audit_record(world.sy_official, "grow", org)


@pytest.mark.parametrize(
    "path, username", [("/api/v1/orgs", "sy_inst_admin"), ("/api/v1/orgs", "ia_official")]
)
def test_org_list_queries_do_not_grow_with_rows(client, world, path, username, settings):
    settings.PEIYU_OFFICIAL_OTP_REQUIRED = False
    client.force_login(world.users[username])
    _grow(world, 3)
    few = _count(client, path)
    _grow(world, 20)
    assert _count(client, path) == few


def test_user_and_event_lists_do_not_grow_with_rows(client, world, settings):
    settings.PEIYU_OFFICIAL_OTP_REQUIRED = False
    client.force_login(world.sy_auditor)
    _grow(world, 3)
    few = _count(client, "/api/v1/audit/events")
    _grow(world, 20)
    assert _count(client, "/api/v1/audit/events") == few
    client.force_login(world.sy_secadmin)
    few = _count(client, "/api/v1/users")
    _grow(world, 10)
    assert _count(client, "/api/v1/users") == few
