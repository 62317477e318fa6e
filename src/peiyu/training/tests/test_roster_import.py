"""Roster import (TRN-13, TRN-8): all-or-nothing writes nothing on one bad row, valid-only writes the good
rows with a Chinese per-row report, re-import is idempotent, capacity holds, ciphertext equals what the
field stores, uploads through the page (xlsx and CSV) and the API, scoped to the class's institution."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from peiyu.audit.models import AuditEvent
from peiyu.core import crypto
from peiyu.core.errors import InvalidInput, NotFound
from peiyu.core.models import Decision
from peiyu.training.models import Enrolment, RosterImport, Trainee
from peiyu.training.services import roster_import as svc
from peiyu.training.services import trainees as trainee_svc

from .trainee_helpers import make_class, person, roster_csv, roster_xlsx

pytestmark = pytest.mark.django_db


def people(n, start=0, **over):
    return [person(start + i, name="王" + "伟芳娜秀英敏静丽强磊"[i % 10] + "华", **over) for i in range(n)]


def with_bad_rows(good):
    bad = list(good)
    bad[1] = {
        **bad[1],
        "id_number": bad[1]["id_number"][:17] + ("0" if bad[1]["id_number"][17] != "0" else "1"),
    }
    bad[3] = {**bad[3], "name": ""}
    bad[5] = {**bad[5], "phone": "12345"}
    return bad


def start(world, klass, content, mode, name="roster.csv", admin="sy_inst_admin"):
    return svc.roster_import_start(
        actor=getattr(world, admin), klass=klass, uploaded_file=SimpleUploadedFile(name, content), mode=mode
    )


def test_all_or_nothing_writes_nothing_when_one_row_is_wrong(training):
    klass = make_class(training)
    imp = start(training, klass, roster_csv(with_bad_rows(people(8))), "all")
    assert imp.status == RosterImport.Status.REFUSED and imp.rejected_rows == 3
    assert Trainee.objects.count() == 0 and Enrolment.objects.count() == 0
    assert imp.error_report and "未导入任何数据" in imp.message
    assert Decision.objects.get(pk=imp.decision_id).outcome == "refused"


def test_valid_only_writes_the_good_rows_and_reports_the_three_bad_ones_in_chinese(training):
    klass = make_class(training)
    imp = start(training, klass, roster_xlsx(with_bad_rows(people(8))), "valid", name="花名册.xlsx")
    assert imp.status == RosterImport.Status.DONE
    assert (imp.total_rows, imp.created_trainees, imp.enrolled, imp.rejected_rows) == (8, 5, 5, 3)
    assert Enrolment.objects.filter(klass=klass, source="import").count() == 5
    sheet = load_workbook(io.BytesIO(imp.error_report)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("行号", "字段", "内容", "问题")
    assert [r[0] for r in rows[1:]] == [3, 5, 7]
    assert "校验位错误" in rows[1][3] and rows[2][3] == "请填写姓名" and "手机号码" in rows[3][3]
    assert [e["row_number"] for e in imp.errors] == [3, 5, 7]
    d = Decision.objects.get(pk=imp.decision_id)
    assert d.kind == "roster_import" and d.rules == ["TRN-13", "TRN-8"] and d.policy_name
    assert (
        Enrolment.objects.filter(klass=klass).values_list("decision_id", flat=True).distinct().get() == d.pk
    )
    # one event per move of the import's workflow (flows.ROSTER_IMPORT_FLOW), none per row
    assert list(
        AuditEvent.objects.filter(object_type__icontains="rosterimport")
        .order_by("seq")
        .values_list("action", flat=True)
    ) == ["roster_import.created", "roster_import.running", "roster_import.done"]


def test_imported_enrolments_have_their_creation_log_rows_and_one_audit_event(training):
    from peiyu.core.models import TransitionLog

    first, second = make_class(training), make_class(training)
    content = roster_csv(people(6))
    imp = start(training, first, content, "all")
    start(training, second, roster_csv(people(4)), "all")  # the same people, reused in another class
    enrolments = list(Enrolment.objects.order_by("pk"))
    assert len(enrolments) == 10
    logs = TransitionLog.objects.filter(subject_type="training.enrolment")
    assert sorted(int(i) for i in logs.values_list("subject_id", flat=True)) == [e.pk for e in enrolments]
    assert set(logs.values_list("from_status", "to_status", "actor_id")) == {
        ("", "enrolled", training.sy_inst_admin.pk)
    }
    # one event per import's batch, on the class, never one per row
    events = AuditEvent.objects.filter(action="enrolment.created").order_by("seq")
    assert [(e.object_id, e.after["count"]) for e in events] == [(str(first.pk), 6), (str(second.pk), 4)]
    mine = [e.pk for e in enrolments if e.klass_id == first.pk]
    assert events[0].after["ids"] == {"first": mine[0], "last": mine[-1]}
    assert events[0].after["roster_import"] == imp.pk


def test_reimporting_the_same_file_creates_nothing_new(training):
    klass = make_class(training)
    content = roster_csv(people(6))
    first = start(training, klass, content, "all")
    again = start(training, klass, content, "all")
    assert (first.created_trainees, first.enrolled) == (6, 6)
    assert again.status == RosterImport.Status.DONE
    assert (again.created_trainees, again.enrolled, again.already_enrolled, again.existing_trainees) == (
        0,
        0,
        6,
        6,
    )
    assert Trainee.objects.count() == 6 and Enrolment.objects.count() == 6


def test_people_already_registered_are_reused_in_another_class(training):
    first, second = make_class(training), make_class(training)
    content = roster_csv(people(4))
    start(training, first, content, "all")
    imp = start(training, second, content, "all")
    assert (imp.created_trainees, imp.existing_trainees, imp.enrolled) == (0, 4, 4)


def test_stored_ciphertext_is_what_the_field_stores_and_decrypts(training):
    klass = make_class(training)
    start(training, klass, roster_csv(people(2)), "all")
    with connection.cursor() as cur:
        cur.execute("SELECT id_number, phone FROM training_trainee ORDER BY id")
        raw = cur.fetchall()
    t = Trainee.objects.order_by("id").first()
    assert raw[0][0].startswith("sm4:" + crypto.active_key_id() + ":")
    assert crypto.decrypt(raw[0][0]) == t.id_number and crypto.decrypt(raw[0][1]) == t.phone
    assert t.id_index == crypto.blind_index(t.id_number, "person_id_number")


def test_the_fast_cipher_and_index_match_core_crypto(training):
    from peiyu.training.services import roster_bulk

    encrypt, index = roster_bulk.fast_encryptor(), roster_bulk.fast_blind_indexer("person_id_number")
    for value in (person(1)["id_number"], "13800000000", "42010219900101003x", " 4201 0219 9001 01003X"):
        token = encrypt(value)
        assert token.startswith(f"sm4:{crypto.active_key_id()}:") and crypto.decrypt(token) == value
        assert index(value) == crypto.blind_index(value, "person_id_number")
    assert encrypt("a") != encrypt("a")  # a fresh nonce each time


def test_capacity_refuses_rows_beyond_it_with_a_row_error(training):
    klass = make_class(training, capacity=3)
    imp = start(training, klass, roster_csv(people(5)), "valid")
    assert (imp.enrolled, imp.rejected_rows) == (3, 2)
    assert all("招生人数已满" in e["message"] for e in imp.errors)
    refused = start(training, make_class(training, capacity=3), roster_csv(people(5)), "all")
    assert refused.status == RosterImport.Status.REFUSED


def test_hubei_refuses_ineligible_rows_with_trn_8_and_fujian_does_not(training):
    rows = [
        *people(3),
        person(50, name="赵退休", retired=True),
        person(51, name="钱少年", born="20120101"),
        person(52, name="孙老伯", born="19600101"),
        person(53, name="李在职", born="19600101", retired=False),
    ]
    imp = start(training, make_class(training, "wh"), roster_csv(rows), "valid", admin="wh_inst_admin")
    assert (imp.enrolled, imp.rejected_rows) == (4, 3)
    messages = " ".join(e["message"] for e in imp.errors)
    assert "已退休人员" in messages and "未满16周岁" in messages and "推定为已退休" in messages
    assert messages.count("TRN-8") == 3
    fz = start(training, make_class(training, "fz"), roster_csv(rows), "valid", admin="fz_inst_admin")
    assert (fz.enrolled, fz.rejected_rows) == (7, 0)


def test_a_name_that_differs_from_the_registered_one_is_a_row_error(training):
    klass = make_class(training)
    trainee_svc.trainee_register(actor=training.sy_inst_admin, data=person(0, name="周正名"))
    imp = start(training, klass, roster_csv(people(2)), "valid")
    assert imp.rejected_rows == 1 and "姓名" in imp.errors[0]["message"]


def test_structural_problems_refuse_the_file_with_a_message(training):
    klass = make_class(training)
    imp = start(training, klass, "学号,电话\n1,2\n".encode(), "all")
    assert imp.status == RosterImport.Status.REFUSED and "缺少必填列" in imp.message
    with pytest.raises(InvalidInput):
        start(training, klass, b"%PDF-1.4", "all", name="roster.pdf")
    with pytest.raises(InvalidInput):
        start(training, klass, roster_csv(people(1)), "sometimes")


def test_another_institution_cannot_import_or_read(training):
    klass = make_class(training)
    with pytest.raises(NotFound):
        start(training, klass, roster_csv(people(1)), "all", admin="dl_inst_admin")
    imp = start(training, klass, roster_csv(people(1)), "all")
    from peiyu.training.selectors import trainees as sel

    for outsider in (training.dl_inst_admin, training.dl_official, training.fz_official):
        with pytest.raises(NotFound):
            sel.roster_import_get_for(outsider, imp.pk)
    assert sel.roster_import_get_for(training.sy_official, imp.pk) == imp


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_upload_through_the_page_shows_the_result_and_the_report(training, login_as, kind):
    klass = make_class(training)
    client = login_as(training.sy_inst_admin)
    content = (roster_xlsx if kind == "xlsx" else roster_csv)(with_bad_rows(people(8)))
    r = client.post(
        reverse("training:class_roster_import", args=[klass.pk]),
        {"mode": "valid", "file": SimpleUploadedFile(f"roster.{kind}", content)},
    )
    assert r.status_code == 302
    imp = RosterImport.objects.get()
    assert r["Location"] == reverse("training:roster_import_detail", args=[imp.pk])
    page = client.get(r["Location"]).content.decode()
    assert "已完成" in page and "请填写姓名" in page and "hx-trigger" not in page
    partial = client.get(r["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert partial.strip().startswith('<div id="import-progress"')
    report = client.get(reverse("training:roster_import_report", args=[imp.pk]))
    assert report.status_code == 200 and report.content[:2] == b"PK"
    assert login_as(training.dl_inst_admin).get(r["Location"]).status_code == 404
    assert login_as(training.dl_official).get(r["Location"]).status_code == 404


def test_a_running_import_page_polls_every_two_seconds(training, login_as):
    klass = make_class(training)
    imp = RosterImport.objects.create(
        klass=klass,
        filename="a.csv",
        sha256="0" * 64,
        content=b"",
        mode="all",
        status="running",
        total_rows=10,
    )
    page = login_as(training.sy_inst_admin).get(reverse("training:roster_import_detail", args=[imp.pk]))
    assert 'hx-trigger="every 2s"' in page.content.decode()


def test_upload_without_a_file_shows_the_field_error(training, login_as):
    klass = make_class(training)
    r = login_as(training.sy_inst_admin).post(
        reverse("training:class_roster_import", args=[klass.pk]), {"mode": "all"}
    )
    assert r.status_code == 400 and "请选择花名册文件" in r.content.decode()


def test_api_import_and_status(training, login_as):
    klass = make_class(training)
    client = login_as(training.sy_inst_admin)
    r = client.post(
        f"/api/v1/training/classes/{klass.pk}/roster-imports",
        {"mode": "valid", "file": SimpleUploadedFile("r.csv", roster_csv(with_bad_rows(people(8))))},
    )
    assert r.status_code == 202, r.content
    body = r.json()
    assert body["status"] == "done" and body["enrolled"] == 5 and body["rejected_rows"] == 3
    status = client.get(f"/api/v1/training/roster-imports/{body['id']}").json()
    assert status["errors"][0]["row_number"] == 3
    other = login_as(training.dl_inst_admin)
    assert other.get(f"/api/v1/training/roster-imports/{body['id']}").status_code == 404
    r = other.post(
        f"/api/v1/training/classes/{klass.pk}/roster-imports",
        {"mode": "valid", "file": SimpleUploadedFile("r.csv", roster_csv(people(1)))},
    )
    assert r.status_code == 404


def test_a_roster_saved_with_title_two_row_header_and_footer_says_which_row_is_the_header(training, login_as):
    from .test_roster_layout import MERGES, xlsx

    klass = make_class(training)
    a, b = people(2)
    table = [
        ["2026年第二批职业技能培训学员花名册"],
        ["培训机构：沈阳市某职业培训学校"],
        [],
        ["序号", "姓名", "身份证号码", "联系方式", None, "工作单位", "人员类别"],
        [None, None, None, "手机号码", "固定电话", None, None],
        ["1", a["name"], a["id_number"], a["phone"], None, "沈阳某公司", "在职职工"],
        ["2", b["name"], b["id_number"], b["phone"], None, "沈阳某公司", "在职职工"],
        [],
        ["制表人：张三", None, None, "审核人：李四", None, "日期：2026年11月17日"],
        ["合计：2人"],
    ]
    imp = start(training, klass, xlsx(table, MERGES), "all", name="花名册.xlsx")
    assert imp.status == RosterImport.Status.DONE and (imp.total_rows, imp.enrolled) == (2, 2)
    assert (imp.header_rows, imp.footer_rows) == ([4, 5], [9, 10])
    assert imp.message.endswith("第4–5行为表头；第9、10行为表尾说明，未作为学员导入")
    check = Decision.objects.get(pk=imp.decision_id).checks[0]
    assert check["rule"] == "TRN-13" and "第4行起为表头" in check["message"]
    page = login_as(training.sy_inst_admin).get(reverse("training:roster_import_detail", args=[imp.pk]))
    assert "第4–5行为表头" in page.content.decode()
    api = login_as(training.sy_inst_admin).get(f"/api/v1/training/roster-imports/{imp.pk}").json()
    assert "第4–5行为表头" in api["message"]


def test_a_file_without_a_recognisable_header_is_refused_with_a_decision_citing_trn_13(training, login_as):
    klass = make_class(training)
    imp = start(training, klass, "花名册\n学号,电话,单位\n1,2,3\n".encode(), "valid")
    assert imp.status == RosterImport.Status.REFUSED and Trainee.objects.count() == 0
    assert imp.message.startswith("未找到花名册表头") and imp.message.endswith("（TRN-13）")
    assert imp.errors == [{"message": imp.message, "rules": ["TRN-13"]}]
    decision = Decision.objects.get(pk=imp.decision_id)
    assert (decision.outcome, decision.rules) == ("refused", ["TRN-13"]) and decision.policy_name
    assert decision.checks[0]["ok"] is False and decision.checks[0]["facts"]["code"] == "roster_header"
    page = login_as(training.sy_inst_admin).get(reverse("training:roster_import_detail", args=[imp.pk]))
    assert "未找到花名册表头" in page.content.decode() and "TRN-13" in page.content.decode()
