"""The expert pool's xlsx import (issue 12 §3): the template, a per-row report in Chinese, all-or-nothing
and valid-rows-only, a title row above the header, duplicates, the spreadsheet guard, and each created
expert audited."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from peiyu.audit.models import AuditEvent
from peiyu.core.errors import InvalidInput, PermissionDenied
from peiyu.institutions.models import Expert, ExpertImport
from peiyu.institutions.services import expert_imports as imports

from .expert_support import HEADER, OCCUPATION, OTHER_USCC, Journey, xlsx_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def journey(world, policies):
    return Journey(world)


GOOD = [
    ["李专家", "东北大学", "教授", OCCUPATION, "13800138001", "li@example.com", ""],
    ["王明远", "大连理工大学", "教授", f"{OCCUPATION}、2-02-38-03", "", "", OTHER_USCC],
]
BAD = [
    ["", "辽宁大学", "研究员", OCCUPATION, "", "", ""],  # no name
    ["赵海峰", "辽宁大学", "研究员", "AI", "1380013800", "", ""],  # bad code and phone
]


def sheet_rows(content: bytes) -> list[list[object]]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_the_template_imports_as_it_is_downloaded(journey):
    template = imports.import_template()
    rows = sheet_rows(template)
    assert rows[0][:4] == ["姓名", "工作单位", "工作单位统一社会信用代码", "职称"]
    # the template's example row is a valid expert
    result = imports.expert_import(
        actor=journey.official, uploaded_file=SimpleUploadedFile("模板.xlsx", template), mode="all"
    )
    assert result.errors == [] and result.created_count == 1
    assert Expert.objects.get().fields == ["2-02-38-01", "2-02-38-03"]


def test_all_or_nothing_writes_nothing_when_a_row_is_wrong_and_reports_every_problem(journey):
    imp = imports.expert_import(
        actor=journey.official, uploaded_file=xlsx_upload([HEADER, *GOOD, *BAD]), mode="all"
    )
    assert not imp.written and imp.created_count == 0 and not Expert.objects.exists()
    assert imp.rows_total == 4 and imp.rejected_rows == 2
    by_row = {(e["row"], e["field"]): e for e in imp.errors}
    assert "请填写专家姓名" in by_row[(4, "姓名")]["message"]
    assert "格式不正确" in by_row[(5, "专业领域（职业编码）")]["message"]
    assert by_row[(5, "手机号码")]["value"] == "138****3800"  # personal data masked in the report
    report = sheet_rows(imports.import_report(imp))
    assert report[0] == ["行号", "字段", "内容", "问题"] and len(report) == 1 + len(imp.errors)


def test_valid_rows_only_writes_the_good_rows_each_audited(journey):
    imp = imports.expert_import(
        actor=journey.official, uploaded_file=xlsx_upload([HEADER, *GOOD, *BAD]), mode="valid"
    )
    assert imp.written and imp.created_count == 2 and imp.rejected_rows == 2
    names = set(Expert.objects.values_list("name", flat=True))
    assert names == {"李专家", "王明远"}
    wang = Expert.objects.get(name="王明远")
    assert [r.uscc for r in wang.relations.all()] == [OTHER_USCC]
    created = AuditEvent.objects.filter(action="expert.created")
    assert created.count() == 2 and all(e.after["import"] == imp.pk for e in created)
    summary = AuditEvent.objects.get(action="expert.imported")
    assert summary.after["rejected_rows"] == 2 and len(summary.after["created"]) == 2


def test_a_title_row_above_the_header_and_blank_rows_are_read(journey):
    imp = imports.expert_import(
        actor=journey.official,
        uploaded_file=xlsx_upload([[], HEADER, GOOD[0], [], GOOD[1]], title="辽宁省专家库（第一批）"),
        mode="all",
    )
    assert imp.errors == [] and imp.created_count == 2 and imp.rows_total == 2


def test_duplicates_in_the_file_and_in_the_pool_are_reported_by_row(journey):
    imports.expert_import(actor=journey.official, uploaded_file=xlsx_upload([HEADER, GOOD[0]]), mode="all")
    imp = imports.expert_import(
        actor=journey.official, uploaded_file=xlsx_upload([HEADER, GOOD[0], GOOD[1], GOOD[1]]), mode="valid"
    )
    messages = {e["row"]: e["message"] for e in imp.errors}
    assert "专家库中已有" in messages[2] and "与第 3 行重复" in messages[4]
    assert imp.created_count == 1 and Expert.objects.count() == 2


def test_a_file_without_the_required_columns_or_not_a_spreadsheet_is_refused_as_a_whole(journey):
    with pytest.raises(InvalidInput) as exc:
        imports.expert_import(
            actor=journey.official, uploaded_file=xlsx_upload([["姓名", "职称"], ["甲", "教授"]]), mode="all"
        )
    assert "缺少必填列：工作单位、专业领域（职业编码）" in exc.value.fields["file"][0]
    with pytest.raises(InvalidInput) as exc:
        imports.expert_import(
            actor=journey.official,
            uploaded_file=SimpleUploadedFile("名单.xlsx", b"not a workbook"),
            mode="all",
        )
    assert "file" in exc.value.fields
    with pytest.raises(InvalidInput) as exc:
        imports.expert_import(
            actor=journey.official, uploaded_file=xlsx_upload([HEADER], name="a.pdf"), mode="all"
        )
    assert "xlsx" in exc.value.fields["file"][0]
    with pytest.raises(InvalidInput) as exc:
        imports.expert_import(actor=journey.official, uploaded_file=xlsx_upload([HEADER]), mode="bogus")
    assert "mode" in exc.value.fields
    assert not ExpertImport.objects.exists()


def test_a_hostile_dimension_is_refused_before_any_reader_runs(journey):
    upload = xlsx_upload([HEADER, GOOD[0]])
    content = upload.read()
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:XFD1048576"/>', data)
                assert n == 1
            target.writestr(item, data)
    with pytest.raises(InvalidInput) as exc:
        imports.expert_import(
            actor=journey.official, uploaded_file=SimpleUploadedFile("大.xlsx", out.getvalue()), mode="all"
        )
    assert "超过平台可读取的上限" in exc.value.fields["file"][0]


def test_only_a_pool_official_imports(journey, world):
    with pytest.raises(PermissionDenied):
        imports.expert_import(
            actor=world.sy_official, uploaded_file=xlsx_upload([HEADER, GOOD[0]]), mode="all"
        )
