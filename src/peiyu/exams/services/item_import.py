"""Items in and out of a bank as xlsx (EVL-2): an import file is checked row by row — every problem in
Chinese with its row number — and a file with any error imports nothing (the BankImport records the
refusal and its per-row report); a clean file's items are written as drafts (命题中) in one transaction,
each with its first version, to be submitted and reviewed like any other. The export of a bank's items
with their content is itself a view of the content: it needs exam.items_view and is audited. The
template (`import_template`) is the same layout the import reads."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction

from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.catalogs.services import read_table
from peiyu.core.attachments import max_bytes
from peiyu.core.documents.xlsx import XlsxWriter
from peiyu.core.errors import InvalidInput

from ..flows import BANK_IMPORT_FLOW, ITEM_FLOW
from ..models import BankImport, Item, ItemType, ItemVersion, QuestionBank
from ..rules.items import LETTERS
from .items import _next_code, _version, clean_item

OPTION_COLUMNS = [f"选项{c}" for c in LETTERS[:6]]
HEADER = ["题型", "知识模块", "难度", "题干", *OPTION_COLUMNS, "标准答案", "评分要点", "操作时长（分钟）",
          "材料设备", "参考分值", "解析"]  # fmt: skip
FIELD_OF = {"stem": "题干", "options": "选项", "answer": "标准答案", "criteria": "评分要点",
            "minutes": "操作时长（分钟）", "materials": "材料设备", "points": "参考分值", "area_code": "知识模块",
            "difficulty": "难度", "item_type": "题型"}  # fmt: skip
TYPE_WORDS = {
    **{str(label): value for value, label in ItemType.choices},
    "单选": "single", "单选题": "single", "多选": "multiple", "多选题": "multiple", "判断": "true_false",
    "填空": "fill", "简答": "short", "实操": "practical", "实操题": "practical",
    **{v: v for v in ItemType.values},
}  # fmt: skip
ROWS_MAX = 5000
EXAMPLES = [
    ["单项选择题", "A", "2", "安全电压一般不超过（  ）V。", "36", "110", "220", "380", "", "", "A", "", "", "", "1", ""],
    ["多项选择题", "B", "3", "下列属于绝缘安全用具的有（  ）。", "绝缘手套", "绝缘靴", "钢丝钳", "", "", "", "AB", "", "", "", "2", ""],
    ["判断题", "B", "1", "停电作业前必须验电。", "", "", "", "", "", "", "对", "", "", "", "1", ""],
    ["填空题", "A", "2", "我国电力系统的工频为（  ）Hz。", "", "", "", "", "", "", "50", "", "", "", "1", "可接受的答案用“；”分隔"],
    ["简答题", "C", "4", "简述触电急救的步骤。", "", "", "", "", "", "", "迅速脱离电源……", "脱离电源|2；心肺复苏|3", "", "", "5", ""],
    ["实操试题", "C", "3", "单相照明电路安装与调试", "", "", "", "", "", "", "", "安全操作|40；接线正确|40；通电试验|20", "60", "配电板、开关、灯具", "100", ""],
]  # fmt: skip


def _split(text: str) -> str:
    """ "a；b；c" (a cell cannot hold lines comfortably) as one entry per line."""
    return "\n".join(part.strip() for part in text.replace(";", "；").split("；") if part.strip())


def _row_data(cells: dict[str, str]) -> tuple[str, dict[str, Any]]:
    item_type = TYPE_WORDS.get(cells.get("题型", "").strip(), "")
    options = "\n".join(cells.get(c, "") for c in OPTION_COLUMNS if cells.get(c, "").strip())
    answer = cells.get("标准答案", "")
    data: dict[str, Any] = {
        "area_code": cells.get("知识模块", ""), "difficulty": cells.get("难度", ""), "stem": cells.get("题干", ""),
        "options": options, "answer": _split(answer) if item_type == ItemType.FILL else answer,
        "criteria": _split(cells.get("评分要点", "")), "minutes": cells.get("操作时长（分钟）", ""),
        "materials": cells.get("材料设备", ""), "points": cells.get("参考分值", ""), "analysis": cells.get("解析", ""),
    }  # fmt: skip
    return item_type, data


def bank_import(*, actor: Any, bank: QuestionBank, content: bytes, file_name: str) -> BankImport:
    """Import items from an xlsx file (the template's columns). All or nothing: a file with any error
    imports nothing and its report names each problem by row; the BankImport records either outcome."""
    require(actor, "exam.bank_write", org_id=bank.institution_id)
    name = (file_name or "").replace("\\", "/").rsplit("/", 1)[-1][:200] or "import.xlsx"
    if not content:
        raise InvalidInput("文件为空", fields={"file": ["文件为空，请重新选择"]})
    if len(content) > max_bytes():
        raise InvalidInput("文件过大", fields={"file": [f"超过上限 {max_bytes() / 1048576:.0f} MB"]})
    if not name.lower().endswith((".xlsx", ".xlsm", ".ods", ".csv")):
        raise InvalidInput("不支持的文件类型", fields={"file": ["请上传按模板填写的 xlsx 文件"]})
    table = read_table(content, name)  # the upload guard (core.documents.spreadsheets) runs first
    header_at = next((i for i, row in enumerate(table) if any(c.strip() for c in row)), None)
    errors: list[dict[str, Any]] = []
    parsed: list[tuple[int, str, dict[str, Any], dict[str, Any]]] = []
    if header_at is None:
        errors.append({"row": 1, "field": "", "message": "文件中没有内容"})
    else:
        header = [c.strip() for c in table[header_at]]
        missing = [h for h in ("题型", "知识模块", "难度", "题干", "标准答案") if h not in header]
        if missing:
            errors.append(
                {
                    "row": header_at + 1,
                    "field": "",
                    "message": f"缺少列：{'、'.join(missing)}（请使用导入模板）",
                }
            )
        else:
            body = [
                (n, row)
                for n, row in enumerate(table[header_at + 1 :], start=header_at + 2)
                if any(c.strip() for c in row)
            ]
            if len(body) > ROWS_MAX:
                errors.append({"row": header_at + 1, "field": "", "message": f"一次最多导入{ROWS_MAX}道试题"})
                body = []
            for n, row in body:
                cells = {h: (row[i] if i < len(row) else "") for i, h in enumerate(header) if h}
                item_type, data = _row_data(cells)
                if not item_type:
                    errors.append(
                        {"row": n, "field": "题型", "message": f"题型“{cells.get('题型', '')}”无法识别"}
                    )
                    continue
                try:
                    meta, body_content = clean_item(bank, item_type, data)
                except InvalidInput as exc:
                    for key, messages in exc.fields.items():
                        errors += [
                            {"row": n, "field": FIELD_OF.get(key, key), "message": m} for m in messages
                        ]
                    continue
                parsed.append((n, item_type, meta, body_content))
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        common = {"bank": bank, "file_name": name, "sha256": digest, "imported_by": actor,
                  "rows": len(parsed) + len({e["row"] for e in errors})}  # fmt: skip
        if errors:
            imp = BankImport.objects.create(**common, status=BankImport.Status.REFUSED, errors=errors[:500])
            BANK_IMPORT_FLOW.created(
                imp, actor=actor, after={"file": name, "sha256": digest, "errors": len(errors)}
            )
            return imp
        QuestionBank.objects.select_for_update().get(pk=bank.pk)
        items = []
        for _n, item_type, meta, body_content in parsed:
            item = Item.objects.create(bank=bank, code=_next_code(bank), item_type=item_type,
                                       area_code=meta["area_code"], difficulty=meta["difficulty"], written_by=actor)  # fmt: skip
            _version(item, 1, body_content, meta["points"], actor)
            items.append(item)
        imp = BankImport.objects.create(**common, status=BankImport.Status.DONE, created=len(items))
        BANK_IMPORT_FLOW.created(
            imp, actor=actor, after={"file": name, "sha256": digest, "created": len(items)}
        )
        if items:
            ITEM_FLOW.created_many(items, actor=actor, subject=imp, after={"import": imp.pk})
    return imp


def import_template() -> bytes:
    """The import template: the header, one example row per type, and a sheet explaining the columns."""
    writer = XlsxWriter()
    sheet = writer.sheet("试题")
    sheet.append(HEADER, bold=True)
    for row in EXAMPLES:
        sheet.append(row)
    notes = writer.sheet("填写说明")
    for line in [
        "题型：单项选择题、多项选择题、判断题、填空题、简答题、实操试题",
        "知识模块：填写本题库权重表中的模块代码（如 A、B、C），不在权重表中的模块不能导入",
        "难度：1 易、2 较易、3 中等、4 较难、5 难",
        "标准答案：选择题填选项字母（多选如 ACD）；判断题填“对”或“错”；填空题可接受的答案用“；”分隔",
        "评分要点：简答题、实操试题必填，格式“要点|分值”，多条用“；”分隔；实操试题各项合计100分",
        "文件中任何一行有误，整个文件都不会导入；请按导入报告逐行修改后重新上传",
        "示例行仅为格式示意，导入前请删除",
    ]:
        notes.append([line])
    return writer.to_bytes()


def bank_export(*, actor: Any, bank: QuestionBank) -> bytes:
    """The bank's items with their current content, in the template's layout plus status and version.
    Exporting content is a view of it: exam.items_view, one audit event naming every item exported."""
    require(actor, "exam.items_view", org_id=bank.institution_id)
    writer = XlsxWriter()
    sheet = writer.sheet(f"{bank.occupation_name}{bank.level}")
    sheet.append(["试题编号", "状态", "版本", *HEADER], bold=True)
    labels = dict(ItemType.choices)
    exported = []
    items = Item.objects.filter(bank=bank).exclude(status=Item.Status.RETIRED).order_by("code")
    versions = {(v.item_id, v.version): v for v in ItemVersion.objects.filter(item__bank=bank)}
    for item in items:
        v = versions.get((item.pk, item.version))
        if v is None:
            continue
        c = json.loads(v.content)
        options = list(c.get("options") or []) + [""] * 6
        answer = c.get("answer", "")
        answer = "；".join(answer) if isinstance(answer, list) else {"T": "对", "F": "错"}.get(answer, answer)
        criteria = "；".join(f"{k['criterion']}|{k['points']}" for k in c.get("criteria") or [])
        sheet.append([item.code, item.get_status_display(), item.version, str(labels[item.item_type]), item.area_code,
                      item.difficulty, c.get("stem", ""), *options[:6], answer, criteria, c.get("minutes", ""),
                      c.get("materials", ""), str(v.points.normalize()), c.get("analysis", "")])  # fmt: skip
        exported.append(item.code)
    audit_record(
        actor, "question_bank.exported", bank, after={"items": len(exported), "codes": exported[:2000]}
    )
    return writer.to_bytes()
