"""The other ways in: an employer registers its own workforce in bulk from xlsx (ACT-6; per-row Chinese
errors, nothing half-written), and a training institution forwards its certified trainees to a DTE
session (003 §4(4)); the application conditions maintained as reference data (reference.manage)."""

from __future__ import annotations

import pytest

from peiyu.core.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from peiyu.exams.models import ApplicationCondition, BulkRegistration, Registration
from peiyu.exams.services import conditions as cond
from peiyu.exams.services import registration_import as imports
from peiyu.training.models import Trainee

from .registrations_support import dte_world, employer_listing, open_session, xlsx

pytestmark = pytest.mark.django_db

GOOD = [
    ["周大勇", "510107198505050019", "本企业职工", "高中", "否", "7", "", "", "是"],
    ["吴小兵", "510107198808080039", "劳务派遣", "高中", "否", "", "五级", "2020-05-01", "是"],
]


def _employer_session(exams):
    employer_listing(exams)
    return open_session(exams, listing_key="cd_turner")


def test_an_employer_registers_its_workforce_from_xlsx(exams):
    session = _employer_session(exams)
    imp = imports.bulk_register(actor=exams.users["cd_employer_exam"], session=session, file_bytes=xlsx(GOOD),
                                filename="名单.xlsx")  # fmt: skip
    assert imp.status == "done" and imp.created == 2 and imp.errors == []
    regs = Registration.objects.filter(bulk_import=imp).order_by("pk")
    assert [r.status for r in regs] == ["submitted", "submitted"]
    assert [r.workforce_type for r in regs] == ["employee", "dispatched"]
    assert all(r.commitment_digest and r.decision.outcome == "eligible" for r in regs)


def test_one_faulty_row_refuses_the_file_with_a_chinese_message_per_row_and_writes_nothing(exams):
    session = _employer_session(exams)
    rows = [
        GOOD[0],
        ["社会人", "510107199309090069", "社会人员", "高中", "否", "8", "", "", "是"],
        ["错号码", "510107199309090068", "本企业职工", "高中", "否", "8", "", "", "是"],
        ["资历浅", "510107199001010042", "在企业实习人员", "高中", "否", "1", "", "", "是"],
        ["周大勇", "510107198505050019", "本企业职工", "高中", "否", "7", "", "", "否"],
    ]
    people = Trainee.objects.count()
    imp = imports.bulk_register(actor=exams.users["cd_employer_exam"], session=session, file_bytes=xlsx(rows),
                                filename="名单.xlsx")  # fmt: skip
    assert imp.status == "refused" and imp.created == 0
    by_row = {e["row"]: "；".join(e["messages"]) for e in imp.errors}
    assert set(by_row) == {3, 4, 5, 6}
    assert "ACT-6" in by_row[3] and "本单位用工人员" in by_row[3]
    assert "校验位" in by_row[4]
    assert "EVL-8" in by_row[5] and "不满6年" in by_row[5]
    assert "与第2行是同一人" in by_row[6] and "承诺书" in by_row[6]
    assert Registration.objects.filter(session=session).count() == 0 and Trainee.objects.count() == people
    assert BulkRegistration.objects.filter(session=session).count() == 1


def test_bulk_registration_is_for_employer_institutions_and_their_own_sessions_only(exams):
    social = open_session(exams)
    with pytest.raises(RuleViolation) as exc:
        imports.bulk_register(
            actor=exams.users["cd_exam_admin"], session=social, file_bytes=xlsx(GOOD), filename="a.xlsx"
        )
    assert exc.value.rules == ["ACT-6"]
    with pytest.raises(NotFound):
        imports.bulk_register(actor=exams.users["cd_employer_exam"], session=social, file_bytes=xlsx(GOOD),
                              filename="a.xlsx")  # fmt: skip
    with pytest.raises(PermissionDenied):
        imports.bulk_register(
            actor=exams.users["cd_setter"], session=social, file_bytes=xlsx(GOOD), filename="a.xlsx"
        )


def test_a_file_without_the_required_columns_is_refused_before_any_row(exams):
    session = _employer_session(exams)
    with pytest.raises(InvalidInput) as exc:
        imports.bulk_register(actor=exams.users["cd_employer_exam"], session=session,
                              file_bytes=xlsx([["张三"]], header=["姓名"]), filename="a.xlsx")  # fmt: skip
    assert "身份证号码" in exc.value.message and "用工形式" in exc.value.message


def test_a_file_bigger_than_the_places_left_is_refused(exams):
    employer_listing(exams)
    session = open_session(exams, listing_key="cd_turner", capacity=1)
    with pytest.raises(RuleViolation) as exc:
        imports.bulk_register(actor=exams.users["cd_employer_exam"], session=session, file_bytes=xlsx(GOOD),
                              filename="a.xlsx")  # fmt: skip
    assert exc.value.rules == ["EVL-5"]


# --- DTE forwarding ---------------------------------------------------------------------------------------


FACTS = {"education": "本科", "related_major": "yes"}


def test_a_training_institution_forwards_a_certified_trainee_with_the_certificate_linked(exams):
    session, certs = dte_world(exams)
    reg = imports.registration_forward(actor=exams.users["hb_train_admin"], session=session, certificate_id=certs[0].pk,
                                       facts=FACTS, commitment_collected=True)  # fmt: skip
    assert (
        reg.status == "submitted"
        and reg.training_certificate_number == certs[0].number
        and reg.training_enrolment_id == certs[0].source_id
        and reg.source == "training"
    )
    assert reg.training_org_id == exams.orgs["hb_train"].pk
    assert any(c["source"] == "003 四（四）" and c["ok"] for c in reg.decision.checks)
    with pytest.raises(NotFound):  # registered already: no longer listed for forwarding
        imports.registration_forward(actor=exams.users["hb_train_admin"], session=session, certificate_id=certs[0].pk,
                                     facts=FACTS, commitment_collected=True)  # fmt: skip


def test_the_api_forwards_a_certified_trainee(exams, login_as):
    session, certs = dte_world(exams)
    c = login_as(exams.users["hb_train_admin"])
    body = {
        "session_id": session.pk,
        "certificate_id": certs[0].pk,
        "facts": FACTS,
        "commitment_collected": True,
    }
    made = c.post("/api/v1/exams/registrations/forward", body, content_type="application/json")
    assert made.status_code == 201, made.content  # not taken for the detail of a registration "forward"
    reg = Registration.objects.get(pk=made.json()["id"])
    assert reg.source == "training" and reg.training_certificate_number == certs[0].number


def test_forwarding_refuses_a_revoked_certificate_unmet_conditions_and_no_commitment(exams):
    session, certs = dte_world(exams)
    admin = exams.users["hb_train_admin"]
    with pytest.raises(NotFound):
        imports.registration_forward(actor=admin, session=session, certificate_id=certs[2].pk, facts=FACTS,
                                     commitment_collected=True)  # fmt: skip
    with pytest.raises(RuleViolation) as exc:
        imports.registration_forward(actor=admin, session=session, certificate_id=certs[1].pk,
                                     facts={"education": "高中"}, commitment_collected=True)  # fmt: skip
    assert exc.value.rules == ["EVL-8"]
    with pytest.raises(InvalidInput):
        imports.registration_forward(actor=admin, session=session, certificate_id=certs[1].pk, facts=FACTS,
                                     commitment_collected=False)  # fmt: skip
    with pytest.raises(NotFound):  # another institution's trainee
        imports.registration_forward(actor=exams.users["cd_social1_admin"], session=session, certificate_id=certs[1].pk,
                                     facts=FACTS, commitment_collected=True)  # fmt: skip


# --- conditions as reference data --------------------------------------------------------------------------


def test_conditions_load_once_and_officials_maintain_them(exams):
    first = cond.conditions_load()
    assert first["created"] > 10 and cond.conditions_load()["created"] == 0
    row = ApplicationCondition.objects.get(occupation_code="6-31-01-03", level="四级", number=2)
    assert row.is_sample and row.requirements == {"years_in_trade": 6}
    sysadmin = exams.users["sysadmin"]
    with pytest.raises(PermissionDenied):
        cond.condition_save(actor=exams.users["cd_official"], data={}, condition=row)
    changed = cond.condition_save(actor=sysadmin, condition=row, data={"text": "累计从事本职业工作满5年。", "source": "标准",
                                                                     "requirements": {"years_in_trade": "5"}})  # fmt: skip
    assert (
        changed.requirements == {"years_in_trade": 5.0}
        and not changed.is_sample
        and changed.updated_by == sysadmin
    )
    assert cond.conditions_load()["updated"] == 0  # an official's edit is not overwritten by the file
    with pytest.raises(InvalidInput) as exc:
        cond.condition_save(actor=sysadmin, data={"programme": "skill", "level": "四级", "text": "x",
                                                  "requirements": {"years_since_lower": "3"}})  # fmt: skip
    assert "years_since_lower" in exc.value.fields
    off = cond.condition_set_active(actor=sysadmin, condition=row, active=False, reason="新版标准已删除该条")
    assert not off.active


def test_the_conditions_page_names_each_source_document_in_words(exams, login_as):
    cond.conditions_load()
    page = login_as(exams.users["sysadmin"]).get("/exams/conditions/?q=2-02-38-01").content.decode()
    assert "《关于实施数字技术工程师培育项目有关事项的通知》第四部分第（四）项" in page
    assert "003 " not in page and "§" not in page
