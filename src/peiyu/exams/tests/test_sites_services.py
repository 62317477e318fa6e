"""Exam sites through the services (EVL-1, EVL-9): reporting with its checks stored as a Decision with the
profile version, every refusal citing its rule, the bureau's accept/return/withdraw/inspect with their logs
and audit events, a change to an accepted site reported again, 403, 404 for another city's official, a
concurrent accept and return, and the sessions area's `accepted_sites_for`."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from peiyu.audit.models import AuditEvent
from peiyu.core.errors import (
    Conflict,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    RuleViolation,
)
from peiyu.core.models import Decision, TransitionLog
from peiyu.exams.models import ExamSite, SitePhoto
from peiyu.exams.rules.sites import check_site_usable
from peiyu.exams.selectors.sites import accepted_sites_for, site_allowed_actions, site_get_for
from peiyu.exams.services import sites as svc
from peiyu.exams.services import sites_rooms as rooms

from .sites_support import PDF, PRACTICAL, THEORY, draft, jpeg, reported

ST = ExamSite.Status


def test_a_complete_site_is_reported_with_its_checks_policy_version_log_and_audit(exams):
    site = reported(exams)
    assert site.status == ST.REPORTED and site.reported_at
    d = site.decision
    assert (
        d.outcome == "reported"
        and "EVL-1" in d.rules
        and d.policy_name == "chengdu-skill"
        and d.policy_version
    )
    assert any(c["facts"].get("desk_spacing_min_cm") == 80 for c in d.checks)
    assert TransitionLog.objects.filter(
        subject_id=str(site.pk), from_status="draft", to_status="reported"
    ).exists()
    assert AuditEvent.objects.filter(action="exam_site.reported", object_id=str(site.pk)).exists()


def test_desks_too_close_refuse_the_report_citing_evl1_and_the_refusal_is_stored(exams):
    narrow = {**THEORY, "desk_spacing_cm": "70"}
    site = draft(exams, rooms_=(narrow, PRACTICAL, {"kind": "defence", "name": "答辩室", "seats": "4",
                                                     "video_monitoring": True}))  # fmt: skip
    with pytest.raises(RuleViolation) as caught:
        svc.site_report(actor=exams.users["cd_exam_admin"], site=site)
    assert caught.value.rules == ["EVL-1"] and "70" in caught.value.message
    site.refresh_from_db()
    assert site.status == ST.DRAFT and site.decision.outcome == "refused" and site.decision.policy_version
    assert AuditEvent.objects.filter(action="exam_site.refused").exists()


def test_an_institution_evaluating_level_two_must_have_a_defence_room(exams):
    site = draft(exams, rooms_=(THEORY, PRACTICAL))
    with pytest.raises(RuleViolation) as caught:
        svc.site_report(actor=exams.users["cd_exam_admin"], site=site)
    assert "二级" in caught.value.message and caught.value.rules == ["EVL-1"]


def test_a_site_without_photos_or_recording_is_refused_with_each_reason(exams):
    site = draft(exams, photo=False, video_recording=False)
    with pytest.raises(RuleViolation) as caught:
        svc.site_report(actor=exams.users["cd_exam_admin"], site=site)
    assert "照片" in caught.value.message and "录像" in caught.value.message


def test_photos_are_images_only_and_checked_by_their_bytes(exams):
    site = draft(exams, photo=False)
    admin = exams.users["cd_exam_admin"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(InvalidInput) as caught:
        rooms.photo_add(
            actor=admin, site=site, upload=SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
        )
    assert "图片" in caught.value.fields["photo"][0]
    with pytest.raises(InvalidInput):
        rooms.photo_add(actor=admin, site=site, upload=SimpleUploadedFile("a.jpg", b"GIF89a" + b"0" * 20))
    photo = rooms.photo_add(actor=admin, site=site, upload=jpeg())
    assert photo.content_type == "image/jpeg" and len(photo.sha256) == 64
    assert SitePhoto.objects.filter(site=site).count() == 1


def test_the_district_bureau_accepts_and_the_site_becomes_usable_for_sessions(exams):
    site = reported(exams)
    official = exams.users["wuhou_official"]
    assert site_allowed_actions(official, site) == ["accept", "return"]
    svc.site_accept(actor=official, site=site)
    site.refresh_from_db()
    assert site.status == ST.ACCEPTED and site.decided_by == official
    assert list(accepted_sites_for(exams.orgs["cd_social1"].pk)) == [site]
    assert check_site_usable(site_status=site.status, site_institution_id=site.institution_id,
                             institution_id=exams.orgs["cd_social1"].pk).ok  # fmt: skip
    assert AuditEvent.objects.filter(action="exam_site.accepted").exists()


def test_a_return_needs_a_reason_and_the_institution_reports_again(exams):
    site = reported(exams)
    official = exams.users["cd_official"]  # the city sees its districts' sites
    with pytest.raises(InvalidInput):
        svc.site_return(actor=official, site=site, reason="  ")
    svc.site_return(actor=official, site=site, reason="实操考场照片不清晰")
    site.refresh_from_db()
    assert site.status == ST.RETURNED and site.return_reason == "实操考场照片不清晰"
    assert TransitionLog.objects.filter(
        subject_id=str(site.pk), to_status="returned", reason="实操考场照片不清晰"
    ).exists()
    rooms.photo_add(actor=exams.users["cd_exam_admin"], site=site, upload=jpeg("清晰.jpg"))
    svc.site_act(actor=exams.users["cd_exam_admin"], site=site, action="report")
    site.refresh_from_db()
    assert site.status == ST.REPORTED and site.return_reason == ""


def test_a_change_to_an_accepted_site_is_reported_again_before_new_sessions(exams):
    site = reported(exams)
    svc.site_accept(actor=exams.users["wuhou_official"], site=site)
    admin = exams.users["cd_exam_admin"]
    rooms.room_save(actor=admin, site=site, data={**THEORY, "name": "第二理论考场"})
    site.refresh_from_db()
    assert site.status == ST.ACCEPTED and site.change_pending
    assert not accepted_sites_for(site.institution_id).exists()
    assert "report_change" in site_allowed_actions(admin, site)
    svc.site_act(actor=admin, site=site, action="report_change")
    site.refresh_from_db()
    assert site.status == ST.REPORTED and not site.change_pending
    with pytest.raises(Conflict):
        rooms.room_save(actor=admin, site=site, data={**THEORY, "name": "第三理论考场"})


def test_the_bureau_inspects_and_withdraws_an_accepted_site_citing_evl9(exams):
    site = reported(exams)
    official = exams.users["wuhou_official"]
    svc.site_accept(actor=official, site=site)
    with pytest.raises(InvalidInput) as caught:
        svc.site_inspect(actor=official, site=site, data={"inspected_on": "2026-03-01", "result": "issues"})
    assert "findings" in caught.value.fields
    svc.site_inspect(actor=official, site=site, data={"inspected_on": "2026-03-01", "result": "issues",
                                                       "findings": "监控录像仅保存7天"})  # fmt: skip
    assert site.inspections.count() == 1
    svc.site_withdraw(actor=official, site=site, reason="监控不符合要求，整改未完成")
    site.refresh_from_db()
    assert site.status == ST.WITHDRAWN and not accepted_sites_for(site.institution_id).exists()
    event = AuditEvent.objects.get(action="exam_site.withdrawn")
    assert event.after["rules"] == ["EVL-9"]
    assert not check_site_usable(site_status=site.status, site_institution_id=site.institution_id,
                                 institution_id=site.institution_id).ok  # fmt: skip


def test_an_institution_cannot_accept_and_an_official_cannot_report(exams):
    site = reported(exams)
    with pytest.raises(PermissionDenied):
        svc.site_accept(actor=exams.users["cd_exam_admin"], site=site)
    with pytest.raises(PermissionDenied):
        svc.site_create(actor=exams.users["wuhou_official"], institution=exams.orgs["cd_social1"], data={})


def test_another_citys_official_gets_404(exams):
    site = reported(exams)
    for key in ("sy_official", "hb_official"):
        with pytest.raises(NotFound):
            site_get_for(exams.users[key], site.pk)
        with pytest.raises(NotFound):
            svc.site_accept(actor=exams.users[key], site=site)
    with pytest.raises(NotFound):
        site_get_for(exams.users["cd_employer_exam"], site.pk)  # another institution


def test_a_decided_site_cannot_be_decided_again(exams):
    site = reported(exams)
    svc.site_accept(actor=exams.users["wuhou_official"], site=site)
    with pytest.raises(InvalidTransition):
        svc.site_return(actor=exams.users["cd_official"], site=site, reason="重复退回")


def test_bad_site_input_names_each_field_in_chinese(exams):
    with pytest.raises(InvalidInput) as caught:
        svc.site_create(actor=exams.users["cd_exam_admin"], institution=exams.orgs["cd_social1"],
                        data={"name": "", "address": "", "video_retention_days": "很多", "region": "999999"})  # fmt: skip
    assert {"name", "address", "video_retention_days", "region"} <= set(caught.value.fields)


@pytest.mark.django_db(transaction=True)
def test_two_officials_accepting_and_returning_at_once_move_the_site_once(exams):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    site = reported(exams)
    results: list[str] = []

    def act(fn, actor, **kw):
        try:
            fn(actor=actor, site=ExamSite.objects.get(pk=site.pk), **kw)
            results.append("ok")
        except InvalidTransition:
            results.append("409")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=(svc.site_accept, exams.users["wuhou_official"])),
        threading.Thread(
            target=act, args=(svc.site_return, exams.users["cd_official"]), kwargs={"reason": "资料不全"}
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["409", "ok"]
    assert TransitionLog.objects.filter(subject_id=str(site.pk), from_status="reported").count() == 1
    assert Decision.objects.filter(subject_id=str(site.pk), kind="site_report").count() == 1
