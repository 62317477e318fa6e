"""Banks (EVL-2: listing, source, responsible persons), blueprints (权重表 checks, the sample reference
data), xlsx import (per-row Chinese errors, all or nothing) and export (an audited view), item
statistics (facility, point-biserial discrimination, doubtful items flagged)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from peiyu.audit.models import AuditEvent
from peiyu.core.errors import NotFound, PermissionDenied, RuleViolation
from peiyu.exams.models import BankImport, Blueprint, Item
from peiyu.exams.rules import item_stats as st
from peiyu.exams.rules.blueprints import AreaSpec, CellSpec, check_blueprint
from peiyu.exams.services import banks as bank_svc
from peiyu.exams.services import blueprints as bp_svc
from peiyu.exams.services import item_import as imp_svc
from peiyu.exams.services.item_stats import item_stats_update

from . import factories
from .banks_support import empty_bank

PEOPLE = {"responsible_writing": "张命题", "responsible_transfer": "李传递", "responsible_use": "王使用",
          "responsible_grading": "赵阅卷", "responsible_archiving": "钱归档"}  # fmt: skip


def test_a_bank_needs_the_listing_and_a_purchased_bank_names_its_provider(exams):
    org, admin = exams.orgs["cd_social1"], exams.users["cd_exam_admin"]
    factories.blueprint()
    with pytest.raises(RuleViolation) as caught:
        bank_svc.bank_create(
            actor=admin, institution=org, data={"occupation_code": "6-31-01-03", "level": "一级", **PEOPLE}
        )
    assert caught.value.rules == ["DIR-1"]
    with pytest.raises(RuleViolation) as caught:
        bank_svc.bank_create(actor=admin, institution=org,
                             data={"occupation_code": "6-31-01-03", "level": "四级", "source": "purchased", **PEOPLE})  # fmt: skip
    assert caught.value.rules == ["EVL-2"] and "提供单位" in caught.value.message
    with pytest.raises(RuleViolation) as caught:
        bank_svc.bank_create(
            actor=admin, institution=org, data={"occupation_code": "6-31-01-03", "level": "四级"}
        )
    assert "阅卷" in caught.value.message
    bank = bank_svc.bank_create(actor=admin, institution=org, data={
        "occupation_code": "6-31-01-03", "level": "四级", "source": "purchased", "provider_name": "某题库公司",
        "provider_qualification": "职业技能等级认定题库开发资质", "purchase_contract": "HT-2026-01", **PEOPLE})  # fmt: skip
    assert bank.blueprint is not None and bank.responsibles["grading"] == "赵阅卷"
    assert AuditEvent.objects.filter(action="question_bank.created").exists()
    with pytest.raises(PermissionDenied):
        bank_svc.bank_create(actor=exams.users["cd_setter"], institution=org, data={})
    with pytest.raises(NotFound):
        bank_svc.bank_create(actor=exams.users["cd_employer_exam"], institution=org, data={})


def test_blueprint_check_names_what_does_not_add_up():
    areas = [AreaSpec("A", "基础", 40), AreaSpec("B", "技能", 60)]
    cells = [CellSpec("A", "single", 2, 30, Decimal(1)), CellSpec("B", "multiple", 3, 30, Decimal(2))]
    failed = [c for c in check_blueprint(100, areas, cells) if not c.ok]
    assert [c.rule for c in failed] == ["EVL-2", "EVL-2"]
    assert "合计90分，应为100分（少10分）" in failed[0].message
    assert "“基础”比重40%" in failed[1].message
    ok = [CellSpec("A", "single", 2, 40, Decimal(1)), CellSpec("B", "multiple", 3, 30, Decimal(2))]
    assert all(c.ok for c in check_blueprint(100, areas, ok))


def test_the_sample_blueprints_load_once_and_are_labelled(exams):
    first = bp_svc.sample_blueprints_load()
    assert first["sample_blueprints"]["created"] == 5
    again = bp_svc.sample_blueprints_load()
    assert again["sample_blueprints"] == {"created": 0, "updated": 0, "unchanged": 5}
    samples = Blueprint.objects.filter(source=bp_svc.SAMPLE_SOURCE)
    assert all(b.is_sample and "示例" in b.title for b in samples)
    assert {(b.occupation_name, b.level) for b in samples} >= {
        ("电工", "二级"),
        ("人工智能工程技术人员", "中级"),
    }


def test_reference_blueprints_only_for_reference_managers_and_copies_for_the_approver(exams):
    bank = empty_bank(exams)
    sample = bank.blueprint
    layout = bp_svc.layout_of(sample)
    with pytest.raises(PermissionDenied):
        bp_svc.blueprint_save(actor=exams.users["cd_approver"], blueprint=sample, data=layout)
    copy = bp_svc.blueprint_copy(actor=exams.users["cd_approver"], blueprint=sample, bank=bank)
    bank.refresh_from_db()
    assert bank.blueprint == copy and copy.institution == exams.orgs["cd_social1"]
    single = next(i for i, c in enumerate(layout["cells"]) if c[1] == "single" and c[0] == "A")
    layout["cells"][single][3] = 11  # one more item: 101 points
    with pytest.raises(RuleViolation) as caught:
        bp_svc.blueprint_save(actor=exams.users["cd_approver"], blueprint=copy, data=layout)
    assert "合计101分，应为100分（多1分）" in caught.value.message and caught.value.rules == ["EVL-2"]
    assert "“基础知识”比重30%" in caught.value.message
    layout["cells"][single][3] = 10
    saved = bp_svc.blueprint_save(
        actor=exams.users["cd_approver"], blueprint=copy, data={**layout, "title": "本机构权重表"}
    )
    assert saved.title == "本机构权重表" and saved.cells.count() == 9


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(imp_svc.HEADER)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_an_import_with_any_bad_row_imports_nothing_and_names_each_row(exams):
    bank = empty_bank(exams)
    good, bad_area, bad_answer = (
        list(imp_svc.EXAMPLES[0]),
        list(imp_svc.EXAMPLES[1]),
        list(imp_svc.EXAMPLES[2]),
    )
    bad_area[1] = "Z"
    bad_answer[10] = "也许"
    imp = imp_svc.bank_import(actor=exams.users["cd_setter"], bank=bank, content=_xlsx([good, bad_area, bad_answer]),
                              file_name="试题.xlsx")  # fmt: skip
    assert imp.status == BankImport.Status.REFUSED and imp.created == 0
    assert Item.objects.filter(bank=bank).count() == 0
    by_row = {(e["row"], e["field"]) for e in imp.errors}
    assert (3, "知识模块") in by_row and (4, "标准答案") in by_row
    assert any("不在" in e["message"] for e in imp.errors)


def test_the_template_imports_every_type_as_drafts_and_the_export_is_audited(exams):
    bank = empty_bank(exams)
    imp = imp_svc.bank_import(actor=exams.users["cd_setter"], bank=bank, content=imp_svc.import_template(),
                              file_name="模板.xlsx")  # fmt: skip
    assert imp.status == BankImport.Status.DONE, imp.errors
    assert imp.created == 6
    assert set(Item.objects.filter(bank=bank).values_list("status", flat=True)) == {"draft"}
    assert sorted(Item.objects.filter(bank=bank).values_list("item_type", flat=True)) == sorted(
        ["single", "multiple", "true_false", "fill", "short", "practical"])  # fmt: skip
    data = imp_svc.bank_export(actor=exams.users["cd_reviewer"], bank=bank)
    assert data[:2] == b"PK"
    assert AuditEvent.objects.filter(action="question_bank.exported").exists()
    with pytest.raises(PermissionDenied):
        imp_svc.bank_export(actor=exams.users["cd_exam_admin"], bank=bank)


def test_indices_are_the_facility_and_the_point_biserial():
    facility, r = st.indices([1, 1, 0, 0], [10, 9, 3, 2])
    assert facility == 0.5 and r is not None and r > 0.9
    assert st.indices([1, 1, 1], [1, 2, 3])[1] is None  # everyone right: no discrimination
    assert st.flag(50, 0.05, 0.5) == (True, "通过率0.05低于0.10（过难或答案有误）")
    assert st.flag(5, 0.05, 0.5) == (False, "")  # too few responses to tell
    n, f, d = st.combine({"1": {"n": 10, "facility": 0.2, "discrimination": 0.3},
                          "2": {"n": 30, "facility": 0.6, "discrimination": None}})  # fmt: skip
    assert n == 40 and f == pytest.approx(0.5) and d == pytest.approx(0.3)


def test_item_statistics_from_a_sessions_attempts_flag_the_doubtful_items(exams):
    from peiyu.exams.models import Attempt

    org = exams.orgs["cd_social1"]
    bank = factories.bank(org, exams.users["cd_setter"], per_cell=1)
    sess = factories.session(exams, bank_=bank, status="grading")
    sit = factories.sitting(sess)
    paper = factories.sealed_paper(sess)
    rows = list(paper.items.select_related("item").order_by("position"))
    import json

    sealed = {r["position"]: r for r in json.loads(paper.sealed_content)["items"]}
    first, second = rows[0], rows[1]  # single-choice items
    for k in range(12):
        who = factories.person(f"考生{k}", f"51010719900101{k:02d}1"[:17])
        reg = factories.registration(sess, who)
        strong = k < 6
        answers = {}
        for r in rows:
            s = sealed[r.position]
            if s["type"] in ("single", "true_false", "multiple"):
                answers[str(r.position)] = s["answer"] if strong else "X"
        answers[str(first.position)] = "Z"  # nobody gets the first one
        answers[str(second.position)] = sealed[second.position]["answer"] if not strong else "Z"  # reversed
        Attempt.objects.create(registration=reg, sitting=sit, paper=paper, shuffle_seed="s", status="submitted",
                               answers=answers, submitted_at=factories.DAY + dt.timedelta(days=30))  # fmt: skip
    summary = item_stats_update(actor=exams.users["cd_reviewer"], session=sess)
    assert summary["responses"] > 0 and summary["flagged"] >= 2
    hard = Item.objects.get(pk=first.item_id)
    assert hard.facility == 0 and hard.flagged and "通过率" in hard.flag_reason
    reversed_ = Item.objects.get(pk=second.item_id)
    assert reversed_.discrimination < 0 and "区分度" in reversed_.flag_reason
    again = item_stats_update(actor=None, session=sess)
    assert again == summary
    assert Item.objects.get(pk=first.item_id).stat_responses == 12  # the same session is not counted twice
    with pytest.raises(PermissionDenied):
        item_stats_update(actor=exams.users["cd_setter"], session=sess)
