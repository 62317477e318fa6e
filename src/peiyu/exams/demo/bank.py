"""The Chengdu organisation's 电工 四级 bank (EVL-2): opened on the sample blueprint, its items imported
from an xlsx sheet by the question setter (the import path, one file), then each reviewed by the
reviewer and approved by the approver through the items' services (three different people, each step
a Decision) — as many approved theory items and practical sets as the profile's minimum asks."""

from __future__ import annotations

from typing import Any

from peiyu.accounts.models import Org, User
from peiyu.core.policy import policy_for

from ..models import Item, QuestionBank
from ..services import banks as bank_services
from ..services import items as item_services
from ..services.item_import import bank_import
from .support import ELECTRICIAN, ItemWording, item_row, items_xlsx

RESPONSIBLES = {
    "writing": "宋命题（命题组组长）",
    "transfer": "唐考务（机要传递）",
    "use": "唐考务（考务负责人）",
    "grading": "蔡振东（考评组组长）",
    "archiving": "袁督导（档案管理）",
}
AREA_TOPICS = {
    "A": ["欧姆定律", "基尔霍夫定律", "交流电路", "三相电源", "电磁感应", "电工识图", "电工材料", "电工仪表"],
    "B": ["安全电压", "触电急救", "接地与接零", "停电作业", "验电挂牌", "绝缘用具", "电气防火", "漏电保护"],
    "C": ["照明电路", "电动机控制", "配电柜安装", "PLC基础", "变频器", "电缆敷设", "故障排查", "接触器"],
}


WORDS = ItemWording(
    single="关于本知识点，下列说法正确的是（  ）。",
    multiple="下列各项中，符合操作规程的有（  ）。",
    true_false="{topic}相关规定要求作业前必须确认安全措施到位。",
    short="简述{topic}的操作要点。",
    short_answer="{topic}的操作要点……",
    practical_stem="{topic}安装与调试（第{n}套）",
    practical=("安全操作|40；接线正确|40；通电试验|20", "60", "配电板、开关、灯具、万用表", "100"),
)


def _row(item_type: str, area: str, difficulty: int, n: int) -> list[Any]:
    return item_row(WORDS, AREA_TOPICS, item_type, area, difficulty, n)


def _rows(bank: QuestionBank, theory: int, practical: int) -> list[list[Any]]:
    """`theory` items spread over the blueprint's cells by their counts, then the practical sets."""
    assert bank.blueprint is not None
    cells = list(bank.blueprint.cells.select_related("area").order_by("id"))
    total = sum(c.count for c in cells)
    rows: list[list[Any]] = []
    for i, cell in enumerate(cells):
        share = theory * cell.count // total
        if i == len(cells) - 1:
            share = theory - len(rows)
        rows += [
            _row(cell.item_type, cell.area.code, cell.difficulty or 3, len(rows) + k + 1)
            for k in range(share)
        ]
    rows += [_row("practical", "C", 3, k + 1) for k in range(practical)]
    return rows


def build_bank(org: Org, people: dict[str, User]) -> QuestionBank:
    admin, setter = people["cd_demo_exam_admin"], people["cd_demo_setter"]
    reviewer, approver = people["cd_demo_reviewer"], people["cd_demo_approver"]
    bank = bank_services.bank_create(actor=admin, institution=org, data={
        "occupation_code": ELECTRICIAN[0], "level": "四级", "responsibles": RESPONSIBLES,
        "source": "own", "notes": "本机构自建题库；权重表为示例值（演示数据）。",
    })  # fmt: skip
    policy = policy_for("skill", org.region_id or "510100")
    theory, practical = (
        int(policy.get("bank_min_theory_items") or 0),
        int(policy.get("bank_min_practical_sets") or 0),
    )
    content = items_xlsx(_rows(bank, theory, practical))
    imp = bank_import(actor=setter, bank=bank, content=content, file_name="电工四级题库（2026）.xlsx")
    assert imp.status == "done", imp.errors[:3]
    for item in Item.objects.filter(bank=bank).select_related("bank").order_by("pk"):
        item_services.item_submit(actor=setter, item=item)
        item_services.item_review(actor=reviewer, item=item)
        item_services.item_approve(actor=approver, item=item)
    return bank
