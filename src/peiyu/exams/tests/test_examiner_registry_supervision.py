"""The examiner registry (EVL-3) and quality supervision (EVL-3 逢考必督): the institution keeps its
examiners (ID number encrypted with a blind index, phone masked by role, xlsx import with a report per
row), an examiner keeps her declared relations; supervisors are registered, assigned to sittings, check
in on the day and write their record; the sitting's gate reads who has checked in."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from peiyu.accounts.models import Role, RoleAssignment
from peiyu.audit.models import AuditEvent
from peiyu.core.crypto import blind_index
from peiyu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from peiyu.core.identifiers import id_with_check
from peiyu.exams.models import Examiner
from peiyu.exams.rules.supervision import check_internal_supervisor
from peiyu.exams.selectors.examiners import disclosure, examiner_get_for, examiners_visible_to
from peiyu.exams.selectors.supervision import sitting_supervision, sittings_without_internal
from peiyu.exams.services import examiners as services
from peiyu.exams.services import supervision
from peiyu.exams.services.examiners_import import examiners_import

from . import factories

ID = id_with_check("51010719850505003")


def test_the_institution_adds_an_examiner_with_the_id_number_encrypted_and_indexed(exams):
    admin = exams.users["cd_exam_admin"]
    e = services.examiner_create(actor=admin, name="赵考评", id_number=ID, phone="13912345678",
                                 occupations="6-31-01-03", licence_number="KP-1", licence_level="二级",
                                 licence_valid_until="2028/6/30", employer_name="成都某电力公司")  # fmt: skip
    assert e.id_index == blind_index(ID, "person_id_number") and e.licence_valid_until == dt.date(2028, 6, 30)
    assert AuditEvent.objects.filter(action="examiner.created", object_id=str(e.pk)).exists()
    with pytest.raises(InvalidInput) as err:
        services.examiner_create(actor=admin, name="赵考评", id_number=ID, occupations="abc", licence_number="",
                                 licence_valid_until="明年")  # fmt: skip
    assert {"id_number", "occupations", "licence_number", "licence_valid_until"} <= set(err.value.fields)
    assert disclosure(exams.users["cd_exam_admin"], e, what="examiner").phone(e.phone) == "13912345678"
    assert "*" in disclosure(exams.users["cd_examiner1"], e, what="examiner").phone(e.phone)
    with pytest.raises(NotFound):
        examiner_get_for(exams.users["sy_official"], e.pk)
    assert examiner_get_for(exams.users["cd_official"], e.pk) == e
    assert e not in examiners_visible_to(exams.users["cd_employer_exam"])
    services.examiner_update(actor=admin, examiner=e, data={"phone": "13900000000"})
    changed = AuditEvent.objects.filter(action="examiner.updated").latest("id")
    assert changed.after == {"phone": "已更改"} or changed.after.get("phone") == "已更改"


def test_the_import_reports_each_wrong_row_and_writes_nothing_unless_asked(exams):
    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "姓名",
            "身份证号码",
            "手机号码",
            "工作单位",
            "考评职业（工种）编码",
            "考评等级",
            "考评员证书编号",
            "证书有效期至",
        ]
    )
    ws.append(
        [
            "钱考评",
            id_with_check("51010719860606004"),
            "13800138000",
            "某公司",
            "6-31-01-03",
            "一级",
            "KP-2",
            "2028-12-31",
        ]
    )
    ws.append(["孙考评", "123", "", "", "6-31-01-03", "", "KP-3", "2028-12-31"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.name = "考评员.xlsx"
    report = examiners_import(actor=exams.users["cd_exam_admin"], uploaded_file=buf)
    assert not report.written and report.created == 0
    assert [(e["row"], e["field"]) for e in report.errors] == [(3, "身份证号码")]
    report = examiners_import(actor=exams.users["cd_exam_admin"], uploaded_file=buf, valid_only=True)
    assert report.written and report.created == 1 and Examiner.objects.filter(name="钱考评").exists()


def test_an_examiner_keeps_her_relations_and_nobody_else_sees_them(exams):
    me = exams.examiners[0]
    rel = services.examiner_relation_declare(actor=exams.users["cd_examiner1"], examiner=me, kind="employed",
                                             org_name=exams.orgs["cd_employer"].name)  # fmt: skip
    assert rel.org_id == exams.orgs["cd_employer"].pk
    with pytest.raises(NotFound):
        services.examiner_relation_declare(
            actor=exams.users["cd_examiner2"], examiner=me, kind="teaches", org_name="某校"
        )
    services.examiner_relation_end(actor=exams.users["cd_examiner1"], relation=rel, reason="已离职")
    rel.refresh_from_db()
    assert rel.ended_on == factories.DAY.date()
    assert (
        AuditEvent.objects.filter(
            action__in=["examiner.relation_declared", "examiner.relation_ended"]
        ).count()
        == 2
    )


def _external(exams):
    cd = exams.orgs["cd_official"] if "cd_official" in exams.orgs else exams.users["cd_official"].primary_org
    from peiyu.accounts.models import User

    user = User.objects.create_user(username="cd_ext_sup", password="x", full_name="外部督导", primary_org=cd)
    RoleAssignment.objects.create(user=user, role=Role.objects.get(code="external_supervisor"), org=cd,
                                  region_id=cd.region_id)  # fmt: skip
    return user


def test_every_sitting_needs_its_internal_supervisor_checked_in(exams, time_machine):
    sess = factories.session(exams, status="papers")
    sitting = factories.sitting(sess, "theory")
    admin = exams.users["cd_exam_admin"]
    assert list(sittings_without_internal([sess.institution_id], since=factories.DAY)) == [sitting]
    internal = supervision.supervisor_register(actor=admin, username="cd_supervisor", kind="internal")
    with pytest.raises(InvalidInput):
        supervision.supervisor_register(actor=admin, username="cd_examiner1", kind="internal")
    a = supervision.supervision_assign(actor=admin, sitting=sitting, supervisor=internal)
    assert not check_internal_supervisor(sitting_supervision(sitting.pk)).ok
    ext_user = _external(exams)
    external = supervision.supervisor_register(
        actor=exams.users["cd_official"], username=ext_user.username, kind="external"
    )
    with pytest.raises(PermissionDenied):  # an external supervisor is the bureau's to assign
        supervision.supervision_assign(actor=admin, sitting=sitting, supervisor=external)
    supervision.supervision_assign(actor=exams.users["cd_official"], sitting=sitting, supervisor=external)
    with pytest.raises(Conflict):  # not the sitting's day yet
        supervision.supervision_check_in(actor=exams.users["cd_supervisor"], assignment=a)
    time_machine.move_to(sitting.starts_at - dt.timedelta(minutes=30), tick=False)
    with pytest.raises(NotFound):
        supervision.supervision_check_in(actor=exams.users["cd_examiner1"], assignment=a)
    with pytest.raises(Conflict):
        supervision.supervision_report(actor=exams.users["cd_supervisor"], assignment=a, report="正常")
    supervision.supervision_check_in(actor=exams.users["cd_supervisor"], assignment=a)
    assert sorted(sitting_supervision(sitting.pk)) == [("external", False), ("internal", True)]
    assert check_internal_supervisor(sitting_supervision(sitting.pk)).ok
    supervision.supervision_report(actor=exams.users["cd_supervisor"], assignment=a, report="考场秩序良好")
    assert list(sittings_without_internal([sess.institution_id], since=factories.DAY)) == []
    assert AuditEvent.objects.filter(action="exam_supervision.checked_in").exists()
