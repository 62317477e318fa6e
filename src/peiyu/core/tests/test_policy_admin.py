"""Editing a profile in the administration site appends a version; it never changes one."""

import json

import pytest

from peiyu.audit.models import AuditEvent
from peiyu.core.models import PolicyProfile, PolicyVersion

pytestmark = pytest.mark.django_db


def test_sysadmin_adds_a_version_through_the_admin(world, policies, login_as):
    c = login_as(world.sysadmin)
    profile = PolicyProfile.objects.get(name="hubei-dte")
    params = dict(profile.versions.get(version=1).parameters)
    params["annual_training_target"] = {"value": 2500, "rule": "RPT-3", "note": "2027年目标"}
    response = c.post(
        "/admin/core/policyversion/add/",
        {
            "profile": profile.pk,
            "effective_from": "2027-01-01",
            "parameters": json.dumps(params),
            "note": "提高年度目标",
        },
    )
    assert response.status_code == 302, response.content[:500]
    v2 = PolicyVersion.objects.get(profile=profile, version=2)
    assert v2.parameters["annual_training_target"]["value"] == 2500 and v2.created_by == world.sysadmin
    assert (
        PolicyVersion.objects.get(profile=profile, version=1).parameters["annual_training_target"]["value"]
        == 2000
    )
    assert AuditEvent.objects.filter(action="policy.version_created", actor_id=world.sysadmin.pk).exists()


def test_a_bad_parameter_is_refused_and_nothing_is_written(world, policies, login_as):
    c = login_as(world.sysadmin)
    profile = PolicyProfile.objects.get(name="hubei-dte")
    bad = {"annual_training_target": {"value": 2500, "rule": "SEL-3"}}
    response = c.post(
        "/admin/core/policyversion/add/",
        {"profile": profile.pk, "effective_from": "2027-01-01", "parameters": json.dumps(bad), "note": "x"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "SEL-3" in page
    assert "2027-01-01" in page  # what was typed is still on the form
    assert not PolicyVersion.objects.filter(profile=profile, version=2).exists()


def test_existing_versions_are_read_only_and_officials_cannot_edit(world, policies, login_as):
    v1 = PolicyVersion.objects.get(profile__name="hubei-dte", version=1)
    admin = login_as(world.sysadmin)
    page = admin.post(f"/admin/core/policyversion/{v1.pk}/change/", {"note": "篡改"})
    assert page.status_code in (200, 403)
    v1.refresh_from_db()
    assert v1.note != "篡改"
    assert (
        login_as(world.sy_official).get("/admin/core/policyversion/add/").status_code == 302
    )  # to admin login
