"""Training certificates on the certificates service (TRN-6, TRN-7; ADR 0007 §4): issued to completed
trainees only, numbered per issue year and class region in sequence ("PX…") and never twice — also after
the numbers moved from training — counting as the issue year's continuing-education hours, signed; the
PDF; training's pages and API issue and show them through its extension points; public verification at
the old addresses masks the name, shows when a certificate is no longer valid and 未找到 (404) for
anything unknown; old links and QR codes of moved certificates still resolve."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from peiyu.certificates.models import Certificate
from peiyu.certificates.services import certificates_training as svc
from peiyu.core.errors import Conflict, NotFound
from peiyu.training.selectors import completion as training_sel
from peiyu.training.tests import completion_factories as f
from peiyu.training.tests.certificates_support import completed_class
from peiyu.training.tests.conftest import training  # noqa: F401 - the training world

pytestmark = pytest.mark.django_db


def issue(world, klass, admin="sy_inst_admin") -> list[Certificate]:
    return svc.training_certificates_issue(actor=getattr(world, admin), klass=klass)


def test_certificates_go_to_completed_trainees_with_sequential_numbers(training):  # noqa: F811
    k = completed_class(training)
    certs = issue(training, k)
    assert [c.number for c in certs] == ["PX2026210102000001", "PX2026210102000002"]
    assert {c.holder_name for c in certs} == {"张三丰", "李四"}
    c = certs[0]
    assert (c.details["hours"], c.details["ce_hours"], c.details["ce_year"], c.issued_on) == (
        100, 100, 2026, dt.date(2026, 3, 2),
    )  # fmt: skip
    assert c.occupation_name == "人工智能工程技术人员" and c.level == "初级" and c.kind == "training"
    assert c.source_kind == "enrolment" and c.region_code == "210102" and c.details["class"] == k.number
    assert len(c.verify_token) == 43 and c.decision.kind == "certificate_issue"
    assert {"TRN-6", "TRN-7", "CRT-1", "CRT-4"} <= set(c.decision.rules)
    assert c.key_id is not None and c.payload and c.status_index is not None  # signed at issue
    # issuing again issues nothing new; a second class of the same region continues the sequence
    assert issue(training, k) == []
    k2 = completed_class(training, names=("王五",))
    assert [c.number for c in issue(training, k2)] == ["PX2026210102000003"]


def test_sequences_are_per_region_and_per_year(training, time_machine):  # noqa: F811
    k_fz = f.klass(f.fujian_plan(training))
    f.enrol(k_fz, f.trainee("陈七", region="350102"), offline=6000, score=Decimal("80"))
    from peiyu.training.services import completion as completion_svc

    completion_svc.class_complete(actor=training.fz_inst_admin, klass=k_fz, pass_mark="60")
    assert issue(training, k_fz, "fz_inst_admin")[0].number == "PX2026350102000001"
    assert issue(training, completed_class(training, names=("甲",)))[0].number == "PX2026210102000001"
    time_machine.move_to(
        dt.datetime(2027, 1, 5, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    )
    cert = issue(training, completed_class(training, names=("乙",)))[0]
    assert cert.number == "PX2027210102000001" and cert.details["ce_year"] == 2027


def test_numbers_continue_after_the_numbers_moved_from_training(training):  # noqa: F811
    k = completed_class(training, names=("甲",))
    moved = issue(training, k)[0]
    Certificate.objects.filter(pk=moved.pk).update(number="PX2026210102000041")  # as moved, unsequenced
    from peiyu.certificates.models import CertificateSequence

    CertificateSequence.objects.all().delete()  # the sequence starts from what was issued before it
    assert issue(training, completed_class(training, names=("乙",)))[0].number == "PX2026210102000042"


def test_numbers_are_unique_across_many_issues(training):  # noqa: F811
    numbers = []
    for _ in range(3):
        numbers += [c.number for c in issue(training, completed_class(training, names=("甲", "乙", "丙")))]
    assert len(numbers) == len(set(numbers)) == 9 and numbers == sorted(numbers)
    assert numbers[-1] == "PX2026210102000009"


def test_certificates_need_a_completed_class_and_its_institution(training):  # noqa: F811
    with pytest.raises(Conflict):
        issue(training, f.klass(f.plan(training)))
    with pytest.raises(NotFound):
        issue(training, completed_class(training), "dl_inst_admin")


def test_training_pages_and_api_issue_and_show_them_through_the_extension_points(training, login_as):  # noqa: F811
    k = completed_class(training, names=("甲",))
    client = login_as(training.sy_inst_admin)
    r = client.post(f"/api/v1/training/classes/{k.pk}/certificates")
    assert r.status_code == 200 and [c["number"] for c in r.json()["items"]] == ["PX2026210102000001"]
    item = r.json()["items"][0]
    assert item["hours"] == 100 and item["verify_url"].endswith(
        f"/verify/training/{Certificate.objects.get().verify_token}/"
    )
    assert Certificate.objects.filter(kind="training").count() == 1
    e = k.enrolments.get(status="completed")
    info = training_sel.enrolment_certificate(e.pk)
    assert info["number"] == "PX2026210102000001" and info["valid"] and info["ce_year"] == 2026
    page = client.get(f"/training/classes/{k.pk}/completion/").content.decode()
    assert "PX2026210102000001" in page and info["pdf_url"] in page
    assert client.get(info["pdf_url"]).content.startswith(b"%PDF")


def test_pdf_download_is_scoped(training, login_as):  # noqa: F811
    cert = issue(training, completed_class(training, names=("张三丰",)))[0]
    url = f"/certificates/training/{cert.pk}/certificate.pdf"
    r = login_as(training.sy_inst_admin).get(url)
    assert r.status_code == 200 and r.content.startswith(b"%PDF") and r["Content-Type"] == "application/pdf"
    assert login_as(training.dl_official).get(url).status_code == 404
    assert login_as(training.sy_official).get(url).status_code == 200


def test_verify_page_masks_the_name_and_shows_an_invalidated_certificate(training, client):  # noqa: F811
    cert = issue(training, completed_class(training, names=("张三丰",)))[0]
    r = client.get(f"/verify/training/{cert.verify_token}/")
    body = r.content.decode()
    assert r.status_code == 200
    assert "张**" in body and "张三丰" not in body and cert.number in body
    assert cert.holder_id_masked[:6] + "*" not in body and "有效" in body
    r = client.get("/verify/training/", {"number": cert.number.lower()})
    assert r.status_code == 200 and "张**" in r.content.decode()
    Certificate.objects.filter(pk=cert.pk).update(
        status="invalidated", details={**cert.details, "revoked_reason": "培训记录造假", "revoked_at": "2026-03-05T10:00:00+08:00"}
    )  # fmt: skip
    body = client.get(f"/verify/training/{cert.verify_token}/").content.decode()
    assert "已宣布无效" in body and "培训记录造假" in body and "2026-03-05" in body


def test_unknown_token_or_number_is_a_clear_404(training, client):  # noqa: F811
    r = client.get("/verify/training/not-a-real-token/")
    assert r.status_code == 404 and "未找到该证书" in r.content.decode()
    r = client.get("/verify/training/", {"number": "PX2026210102999999"})
    assert r.status_code == 404 and "未找到该证书" in r.content.decode()
    assert client.get("/verify/training/").status_code == 200


def test_public_api_verify_by_number_at_the_old_address(training, client):  # noqa: F811
    cert = issue(training, completed_class(training, names=("张三丰",)))[0]
    r = client.get("/api/v1/training/certificates/verify", {"number": cert.number})
    assert r.status_code == 200
    body = r.json()
    assert body["holder"] == "张**" and body["valid"] and body["hours"] == 100 and "id_number" not in body
    assert client.get("/api/v1/training/certificates/verify", {"number": "PX0"}).status_code == 404


def test_old_links_of_a_moved_certificate_resolve(training, login_as):  # noqa: F811
    cert = issue(training, completed_class(training, names=("张三丰",)))[0]
    Certificate.objects.filter(pk=cert.pk).update(
        details={**cert.details, "legacy_id": 77}, key=None, payload=""
    )
    official = login_as(training.sy_official)
    r = official.get("/training/certificates/77/")
    assert r.status_code == 302 and r["Location"] == f"/certificates/{cert.pk}/"
    r = official.post("/training/certificates/77/revoke/", {"reason": "x"})
    assert r.status_code == 302 and r["Location"] == f"/certificates/{cert.pk}/"
    r = official.get("/training/certificates/77/certificate.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    cert.refresh_from_db()
    assert cert.key_id is not None and cert.payload  # signed on its first PDF
    assert login_as(training.dl_official).get("/training/certificates/77/").status_code == 404
    assert login_as(training.dl_official).get("/training/certificates/77/certificate.pdf").status_code == 404
    assert official.get("/training/certificates/78/").status_code == 404
    r = official.get("/training/certificates/")
    assert r.status_code == 302 and r["Location"].startswith("/certificates/")


def test_the_tick_signs_moved_certificates_once(training):  # noqa: F811
    certs = issue(training, completed_class(training, names=("甲", "乙")))
    Certificate.objects.filter(pk__in=[c.pk for c in certs]).update(key=None, payload="")
    assert svc.training_moved_sign() == 2
    assert svc.training_moved_sign() == 0
    assert all(c.key_id and c.payload for c in Certificate.objects.filter(pk__in=[c.pk for c in certs]))
