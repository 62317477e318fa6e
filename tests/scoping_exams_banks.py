"""Question banks of a Shenyang and a Dalian institution for the scoping walk: each institution's own
blueprint copy, a bank on it with one item (and its version) and an import record. The bureaus of each
city see their own banks' metadata (exam.supervise)."""

from __future__ import annotations

PARAMS = ("bank_id", "item_id", "bank_import_id", "blueprint_id")
OWNERS = {p: {"shenyang": "sy_official", "dalian": "dl_official"} for p in PARAMS}
PAGE_RECORDS = {
    "exams/banks/<int:pk>/": "bank_id",
    "exams/items/<int:pk>/": "item_id",
    "exams/blueprints/<int:pk>/": "blueprint_id",
}
PAGE_SUBRECORDS = {"<int:import_id>": "bank_import_id"}
_CONTENT = {"stem": "x", "answer": "对"}
BODIES = {
    ("post", "/api/v1/exams/banks/{bank_id}/items"): lambda w, c: {
        "item_type": "true_false", "area_code": "A", "content": _CONTENT},
    ("post", "/api/v1/exams/items/{item_id}/versions"): lambda w, c: {"area_code": "A", "content": _CONTENT},
    ("post", "/api/v1/exams/items/{item_id}/actions"): lambda w, c: {"action": "submit"},
    ("post", "/api/v1/exams/items/{item_id}/content"): lambda w, c: {},
}  # fmt: skip


def records(world) -> dict[str, dict[str, int]]:
    from peiyu.exams.models import (
        BankImport,
        Blueprint,
        BlueprintCell,
        Item,
        ItemVersion,
        KnowledgeArea,
        QuestionBank,
    )

    out: dict[str, dict[str, int]] = {p: {} for p in PARAMS}
    for city, org_key, admin in (
        ("shenyang", "inst_sy", "sy_inst_admin"),
        ("dalian", "inst_dl", "dl_inst_admin"),
    ):
        org, user = world.orgs[org_key], world.users[admin]
        bp = Blueprint.objects.create(programme="skill", occupation_code="6-31-01-03", occupation_name="电工",
                                      level="四级", title=f"walk-{city}", institution=org)  # fmt: skip
        area = KnowledgeArea.objects.create(blueprint=bp, code="A", name="x", weight=100)
        BlueprintCell.objects.create(blueprint=bp, area=area, item_type="single", count=100, points=1)
        bank = QuestionBank.objects.create(institution=org, region_code=org.region_id, programme="skill",
                                           occupation_code="6-31-01-03", occupation_name="电工", level="四级",
                                           blueprint=bp)  # fmt: skip
        item = Item.objects.create(bank=bank, code=f"walk-{city}", item_type="true_false", area_code="A")
        ItemVersion.objects.create(item=item, version=1, content='{"answer": "T", "stem": "x"}', digest="0" * 64,
                                   written_by=user)  # fmt: skip
        imp = BankImport.objects.create(bank=bank, file_name="walk.xlsx", sha256="0" * 64, status="done",
                                        imported_by=user)  # fmt: skip
        out["bank_id"][city], out["item_id"][city], out["bank_import_id"][city] = bank.pk, item.pk, imp.pk
        out["blueprint_id"][city] = bp.pk
    return out
