"""`peiyu demo` end to end for the certificates (issue 14 point 11): certificate data in every state of
both routes — the Hubei DTE sessions taken through the exam give a batch submitted, confirmed,
forwarded, returned, approved and issued —, Hubei and Chengdu certificates issued, invalidated and
reissued, each answering on the public verification page; the accounts of journeys 8, 9 and 14 printed,
the holder finding her certificates in her wallet; a second run changes nothing. (One demo run: about a
minute.)"""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


def _counts() -> Counter[str]:
    from peiyu.audit.models import AuditEvent
    from peiyu.certificates.models import BatchEntry, Certificate, Invalidation, IssuanceBatch

    return Counter(
        {
            "events": AuditEvent.objects.exclude(action="catalogs.reference_loaded").count(),
            "certificates": Certificate.objects.count(),
            "batches": IssuanceBatch.objects.count(),
            "entries": BatchEntry.objects.count(),
            "invalidations": Invalidation.objects.count(),
        }
    )


def _journey(printed: str, title: str) -> str:
    return printed.split(title)[1].split("旅程 ")[0]


def test_demo_gives_certificates_in_every_state_verifiable_from_the_portal(tmp_path, settings, client):
    from peiyu.certificates.models import Certificate, IssuanceBatch

    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    call_command("demo", no_serve=True, stdout=out)
    printed = out.getvalue()

    dte = Counter(IssuanceBatch.objects.filter(programme="dte").values_list("status", flat=True))
    assert set(dte) >= {"submitted", "confirmed", "forwarded", "returned", "approved", "issued"}
    assert set(IssuanceBatch.objects.filter(programme="skill").values_list("status", flat=True)) >= {"issued"}
    level = Certificate.objects.filter(kind="level", region_code__startswith="42")
    assert set(level.values_list("status", flat=True)) == {"valid", "invalidated", "superseded"}
    skill = Certificate.objects.filter(kind="skill")
    assert set(skill.values_list("status", flat=True)) == {"valid", "invalidated", "superseded"}
    reissued = level.exclude(replaces=None).get()
    assert reissued.direction == "机器学习" and reissued.replaces.status == "superseded"

    # each state answers on the portal's verification page by number
    for cert, shown in (
        (level.filter(status="valid", replaces=None).first(), "有效"),
        (level.get(status="invalidated"), "已宣布无效"),
        (reissued.replaces, reissued.number),
    ):
        page = client.get("/verify/", {"number": cert.number})
        assert page.status_code == 200 and shown in page.content.decode(), cert.number

    # the accounts of the journeys, and the holder's wallet
    assert "inst_wh_eval_admin" in _journey(printed, "旅程 14 · 证书流转（湖北）")
    assert "cg_official" in _journey(printed, "旅程 14 · 证书流转（湖北）")
    assert "hb_holder" in _journey(printed, "旅程 8 · 学员")
    employer = _journey(printed, "旅程 9 · 证书核验（无需登录）")
    assert "inst_cd_employer_admin" in employer and level.get(status="invalidated").number in employer
    from peiyu.accounts.models import User
    from peiyu.accounts.selectors.holders import users_holding

    employer_admin = User.objects.get(username="inst_cd_employer_admin")
    assert users_holding("certificate.verify_bulk", employer_admin.primary_org_id).filter(
        pk=employer_admin.pk
    )
    client.force_login(User.objects.get(username="hb_holder"))
    wallet = client.get("/certificates/wallet/").content.decode()
    assert reissued.number in wallet and reissued.replaces.number in wallet
    assert "培训合格证书" in wallet
    photo = client.get("/training/my/photo.jpg")  # her ID photo, printed on her certificates
    assert photo.status_code == 200 and photo.content.startswith(b"\xff\xd8")
    pdf = client.get(f"/certificates/wallet/{reissued.pk}/certificate.pdf")
    assert pdf.status_code == 200 and b"/Subtype /Image" in pdf.content

    before = _counts()
    call_command("demo", no_serve=True, stdout=io.StringIO())
    assert _counts() == before
