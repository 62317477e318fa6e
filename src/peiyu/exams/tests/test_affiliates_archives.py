"""The training conflict of declared affiliates (EVL-9) and the archives of a session (EVL-10) through the
services: flags with a Decision naming the listings, the daily re-check run twice, the officials' view;
records with SHA-256 and SM3 and retention from the profile, disposal refused before its time (stored
Decision) and permitted after with a reason, the zip export with its manifest, 403/404."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from peiyu.audit.models import AuditEvent
from peiyu.core.crypto import sm3_hex
from peiyu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RuleViolation
from peiyu.core.models import Decision
from peiyu.exams.selectors.affiliates import flagged_institutions, latest_conflict
from peiyu.exams.selectors.archives import archive_session_for, records_past_retention
from peiyu.exams.services import affiliates as aff
from peiyu.exams.services import archives as arc

from . import factories
from .sites_support import PDF

# --- affiliates (EVL-9) ----------------------------------------------------------------------------------------


def _training(w, org_key, number="LT-CD-EL"):
    return factories.listing(w.orgs[org_key], number, programme="skill", occupation=factories.ELECTRICIAN,
                             levels=["四级"], kind="training")  # fmt: skip


def test_a_branch_training_the_evaluated_occupation_is_flagged_with_a_decision_naming_both_listings(exams):
    _training(exams, "cd_social2")
    a = aff.affiliate_declare(actor=exams.users["cd_exam_admin"], institution=exams.orgs["cd_social1"],
                              data={"kind": "branch", "org": str(exams.orgs["cd_social2"].pk)})  # fmt: skip
    assert a.flagged and a.name == exams.orgs["cd_social2"].name
    d = a.flag_decision
    assert d.outcome == "conflict" and d.rules == ["EVL-9"] and d.policy_name == "chengdu-skill"
    hit = next(c for c in d.checks if not c["ok"])
    assert hit["facts"]["listings"] == ["LT-CD-EL"] and hit["facts"]["evaluation_listings"] == ["LE-CD-EL"]
    assert "000 第十八条" in hit["source"]
    assert AuditEvent.objects.filter(action="exam_affiliate.declared").exists()
    names = [f.institution.name for f in flagged_institutions(exams.users["wuhou_official"])]
    assert names == [exams.orgs["cd_social1"].name]
    assert flagged_institutions(exams.users["sy_official"]) == []


def test_an_affiliate_found_by_its_uscc_and_one_training_another_occupation(exams):
    factories.listing(exams.orgs["cd_social3"], "LT-CD-TN", programme="skill", occupation=factories.TURNER,
                      levels=["四级"], kind="training")  # fmt: skip
    a = aff.affiliate_declare(actor=exams.users["cd_exam_admin"], institution=exams.orgs["cd_social1"],
                              data={"kind": "tech_support", "name": "蓉城技术支持", "uscc": exams.orgs["cd_social3"].uscc})  # fmt: skip
    assert not a.flagged and latest_conflict(exams.orgs["cd_social1"].pk).outcome == "clear"


def test_the_daily_tick_flags_a_new_training_listing_and_a_second_run_changes_nothing(exams):
    aff.affiliate_declare(actor=exams.users["cd_exam_admin"], institution=exams.orgs["cd_social1"],
                          data={"kind": "subsidiary", "org": str(exams.orgs["cd_social2"].pk)})  # fmt: skip
    _training(exams, "cd_social1", "LT-SELF")  # the institution itself now trains 电工
    now = factories.DAY
    assert aff.affiliates_recheck(now) >= 1
    assert aff.affiliates_recheck(now) == 0
    d = latest_conflict(exams.orgs["cd_social1"].pk)
    assert d.outcome == "conflict" and any(c["facts"].get("listings") == ["LT-SELF"] for c in d.checks)


def test_ending_an_affiliate_clears_the_flag_and_input_errors_are_chinese(exams):
    _training(exams, "cd_social2")
    admin = exams.users["cd_exam_admin"]
    a = aff.affiliate_declare(actor=admin, institution=exams.orgs["cd_social1"],
                              data={"kind": "branch", "org": str(exams.orgs["cd_social2"].pk)})  # fmt: skip
    with pytest.raises(Conflict):
        aff.affiliate_declare(actor=admin, institution=exams.orgs["cd_social1"],
                              data={"kind": "branch", "org": str(exams.orgs["cd_social2"].pk)})  # fmt: skip
    aff.affiliate_end(actor=admin, affiliate=a, reason="已转让")
    a.refresh_from_db()
    assert a.ended_on and not a.flagged and latest_conflict(exams.orgs["cd_social1"].pk).outcome == "clear"
    with pytest.raises(InvalidInput) as caught:
        aff.affiliate_declare(
            actor=admin, institution=exams.orgs["cd_social1"], data={"kind": "x", "uscc": "123"}
        )
    assert {"kind", "name", "uscc"} <= set(caught.value.fields)
    with pytest.raises(PermissionDenied):
        aff.affiliate_declare(
            actor=exams.users["wuhou_official"], institution=exams.orgs["cd_social1"], data={}
        )


# --- archives (EVL-10) -----------------------------------------------------------------------------------------


@pytest.fixture
def session(exams):
    return factories.session(exams, status="grading")


def _scan(name="签到表.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_a_scanned_sign_in_sheet_is_kept_permanently_with_both_digests(exams, session):
    r = arc.archive_add(actor=exams.users["cd_exam_admin"], session=session, kind="sign_in_sheet", medium="scan",
                        title="理论考试签到表", upload=_scan())  # fmt: skip
    assert r.permanent and r.retain_until is None
    assert r.sha256 == hashlib.sha256(PDF).hexdigest() and r.sm3 == sm3_hex(PDF)
    assert AuditEvent.objects.filter(action="exam_archive.added", object_id=str(r.pk)).exists()


def test_paper_and_generated_electronic_records_follow_the_profile_years(exams, session):
    paper = arc.archive_add(actor=exams.users["cd_exam_admin"], session=session, kind="paper", medium="paper",
                            title="理论试卷（纸质）", location="档案室A柜3层")  # fmt: skip
    assert paper.retain_until == dt.date(2029, 3, 2) and not paper.file
    doc = arc.archive_add(actor=exams.users["cd_proctor"], session=session, kind="room_record", medium="electronic",
                          title="考场记录", content=b'{"room": 1}', generated=True)  # fmt: skip
    assert doc.retain_until == dt.date(2031, 3, 2) and doc.generated and doc.original_name.endswith(".json")
    system = arc.archive_add(actor=None, session=session, kind="other", medium="electronic", title="系统日志",
                             content=b"log", generated=True)  # fmt: skip
    assert system.created_by is None


def test_a_dte_session_without_retention_parameters_keeps_its_records_until_set(exams):
    s = factories.session(exams, listing_key="hb_ai", level="初级", status="grading")
    r = arc.archive_add(actor=None, session=s, kind="score_sheet", medium="electronic", title="成绩汇总",
                        content=b"a,b", generated=True)  # fmt: skip
    assert r.retain_until is None and not r.permanent


def test_disposal_before_the_end_is_refused_citing_evl10_and_permitted_after_with_a_reason(
    exams, session, time_machine
):
    admin = exams.users["cd_exam_admin"]
    r = arc.archive_add(
        actor=admin, session=session, kind="paper", medium="scan", title="答卷扫描", upload=_scan("答卷.pdf")
    )
    with pytest.raises(RuleViolation) as caught:
        arc.archive_dispose(actor=admin, record=r, reason="到期销毁")
    assert caught.value.rules == ["EVL-10"]
    r.refresh_from_db()
    assert (
        r.decision.outcome == "refused"
        and r.decision.policy_name == "chengdu-skill"
        and r.disposed_at is None
    )
    time_machine.move_to(dt.datetime(2031, 3, 3, 10, tzinfo=factories.BEIJING), tick=False)
    assert [x.pk for x in records_past_retention(admin)] == [r.pk]
    arc.archive_dispose(actor=admin, record=r, reason="保管期满，经机构负责人批准销毁")
    r.refresh_from_db()
    assert r.disposed_at and not r.file and r.sha256 and r.decision.outcome == "permitted"
    assert Decision.objects.filter(subject_id=str(r.pk), kind="archive_disposal").count() == 2
    with pytest.raises(Conflict):
        arc.archive_dispose(actor=admin, record=r, reason="再次销毁")


def test_uploads_are_checked_and_each_missing_field_named(exams, session):
    with pytest.raises(InvalidInput) as caught:
        arc.archive_add(actor=exams.users["cd_exam_admin"], session=session, kind="", medium="scan", title="",
                        upload=SimpleUploadedFile("a.pdf", b"not a pdf"))  # fmt: skip
    assert {"kind", "title", "file"} <= set(caught.value.fields)
    with pytest.raises(InvalidInput) as caught:
        arc.archive_add(
            actor=exams.users["cd_exam_admin"], session=session, kind="other", medium="paper", title="x"
        )
    assert "location" in caught.value.fields


def test_the_export_is_one_zip_with_every_file_and_a_manifest_of_digests_and_retention(exams, session):
    admin = exams.users["cd_exam_admin"]
    arc.archive_add(
        actor=admin, session=session, kind="sign_in_sheet", medium="scan", title="签到表", upload=_scan()
    )
    arc.archive_add(
        actor=admin, session=session, kind="paper", medium="paper", title="纸质试卷", location="A柜"
    )
    name, body = arc.archive_export(actor=exams.users["wuhou_official"], session=session)
    assert name.endswith(".zip")
    zf = zipfile.ZipFile(io.BytesIO(body))
    manifest = json.loads(zf.read("manifest.json"))
    rows = manifest["records"]
    assert [r["kind"] for r in rows] == ["paper", "sign_in_sheet"]
    scan = rows[1]
    assert (
        scan["intact"] and scan["permanent"] and zf.read(scan["file"]) == PDF and scan["sm3"] == sm3_hex(PDF)
    )
    assert "manifest.xlsx" in zf.namelist()
    assert AuditEvent.objects.filter(action="exam_archive.exported").exists()


def test_another_citys_official_gets_404_and_an_official_cannot_upload(exams, session):
    with pytest.raises(NotFound):
        archive_session_for(exams.users["sy_official"], session.pk)
    with pytest.raises(PermissionDenied):
        arc.archive_add(actor=exams.users["wuhou_official"], session=session, kind="other", medium="scan", title="x",
                        upload=_scan())  # fmt: skip
    with pytest.raises(NotFound):
        arc.archive_add(actor=exams.users["hb_official"], session=session, kind="other", medium="electronic",
                        title="x", content=b"x", generated=True)  # fmt: skip
