from __future__ import annotations

import time

import pytest

from peiyu.accounts.models import Region
from peiyu.audit.models import AuditEvent
from peiyu.catalogs.models import Direction, Industry, Level, Occupation, Trade
from peiyu.catalogs.services import reference_load
from peiyu.core.errors import Conflict, PermissionDenied


def _snapshot():
    return {
        "regions": list(Region.objects.order_by("code").values_list()),
        "occupations": list(Occupation.objects.order_by("code").values_list()),
        "directions": list(Direction.objects.order_by("id").values_list()),
        "levels": list(Level.objects.order_by("code").values_list()),
        "industries": list(Industry.objects.order_by("code").values_list()),
    }


def test_load_fills_every_catalog_fast(db):
    started = time.perf_counter()
    result = reference_load(actor=None)
    elapsed = time.perf_counter() - started
    assert elapsed < 5, f"reference_load took {elapsed:.2f}s"
    assert result["regions"]["created"] == Region.objects.count()
    assert Region.objects.filter(level=1).count() == 34  # 31 + Taiwan, Hong Kong, Macao
    assert Region.objects.filter(level=2).count() > 300
    assert Region.objects.filter(level=3).count() > 2800
    assert Region.objects.get(code="210100").name == "沈阳市"
    assert Region.objects.get(code="510107").name == "武侯区"
    assert Region.objects.get(code="420100").name == "武汉市"
    assert Region.objects.get(code="510107").full_name == "四川省成都市武侯区"
    assert Region.objects.get(code="210100").parent_id == "210000"
    assert Occupation.objects.count() == 10
    assert Level.objects.count() == 8
    assert Industry.objects.count() == 20
    assert Industry.objects.get(code="I").name == "信息传输、软件和信息技术服务业"


def test_region_tree_is_consistent(reference):
    # every non-province has a parent one level up with a matching code prefix
    by_code = dict(Region.objects.values_list("code", "level"))
    for code, level, parent in Region.objects.values_list("code", "level", "parent_id"):
        if level == 1:
            assert parent is None and code.endswith("0000")
        else:
            assert by_code[parent] == level - 1
            assert code.startswith(parent[: 2 * (level - 1)])
    # municipalities and provincially administered county-level units keep the source's structure
    assert Region.objects.get(code="110101").parent_id == "110100"
    assert Region.objects.get(code="429004").parent_id == "429000"  # 仙桃市


def test_loading_twice_changes_nothing(reference):
    before = _snapshot()
    events = AuditEvent.objects.filter(action="catalogs.reference_loaded").count()
    second = reference_load(actor=None)
    assert _snapshot() == before
    for name, counts in second.items():
        assert counts.get("created", 0) == 0, name
        assert counts.get("updated", 0) == 0, name
        assert counts.get("disabled", 0) == 0, name
    # one summary event per load, not one per row
    assert AuditEvent.objects.filter(action="catalogs.reference_loaded").count() == events + 1


def test_region_absent_from_file_is_disabled_not_deleted(reference):
    Region.objects.create(code="210199", name="已撤销区", level=3, parent_id="210100")
    Region.objects.filter(code="210102").update(name="旧名称")
    result = reference_load(actor=None)
    assert result["regions"]["disabled"] == 1
    assert result["regions"]["updated"] == 1
    gone = Region.objects.get(code="210199")
    assert gone.disabled_on is not None
    assert not Region.objects.active().filter(code="210199").exists()
    assert Region.objects.get(code="210102").name == "和平区"
    # loading again leaves the disabled region as it is
    again = reference_load(actor=None)
    assert again["regions"]["disabled"] == 0
    assert Region.objects.get(code="210199").disabled_on == gone.disabled_on


def test_disabled_region_back_in_file_is_in_force_again(reference):
    Region.objects.filter(code="510107").update(disabled_on="2020-01-01")
    reference_load(actor=None)
    assert Region.objects.get(code="510107").disabled_on is None


def test_occupations_carry_both_codes_and_confidence(reference):
    ai = Occupation.objects.get(name="人工智能工程技术人员")
    assert ai.code == "2-02-38-01"
    assert ai.alias_codes == ["2-02-10-09"]
    assert ai.confidence == "confirmed"
    assert "二手资料" in ai.provenance
    assert set(ai.directions.values_list("name", flat=True)) == {
        "自然语言及语音处理产品实现",
        "计算机视觉产品实现",
    }

    im = Occupation.objects.get(name="智能制造工程技术人员")
    assert (im.code, im.alias_codes, im.confidence) == ("2-02-38-05", ["2-02-07-13"], "to_verify")

    ic = Occupation.objects.get(name="集成电路工程技术人员")
    assert (ic.code, ic.alias_codes, ic.confidence) == ("2-02-38-09", [], "to_verify")

    dm = Occupation.objects.get(name="数字化管理师")
    assert dm.code == "4-04-05-03"
    assert dm.code_source == "announcement"
    assert dm.to_verify

    assert set(Occupation.objects.filter(confidence="to_verify").values_list("name", flat=True)) == {
        "智能制造工程技术人员",
        "虚拟现实工程技术人员",
        "区块链工程技术人员",
        "集成电路工程技术人员",
        "数字化管理师",
    }
    assert Direction.objects.get(name="大数据分析").occupation.code == "2-02-38-03"
    assert Direction.objects.get(name="云计算运维").occupation.code == "2-02-38-04"
    assert Direction.objects.get(name="物联网嵌入式开发").occupation.code == "2-02-38-02"


def test_levels_have_ranks_and_aliases(reference):
    skill = list(Level.objects.filter(kind="skill").order_by("rank"))
    assert [lv.name for lv in skill] == ["五级", "四级", "三级", "二级", "一级"]
    assert [lv.number for lv in skill] == [5, 4, 3, 2, 1]
    assert skill[0].aliases == ["初级工"] and skill[-1].aliases == ["高级技师"]
    assert list(
        Level.objects.filter(kind="professional").order_by("rank").values_list("name", flat=True)
    ) == [
        "初级",
        "中级",
        "高级",
    ]


def test_administrator_correction_survives_a_reload(reference):
    occupation = Occupation.objects.get(name="智能制造工程技术人员")
    occupation.code = "2-02-38-15"
    occupation.confidence = "confirmed"
    occupation.save()
    result = reference_load(actor=None)
    occupation.refresh_from_db()
    assert occupation.code == "2-02-38-15"
    assert occupation.confidence == "confirmed"
    assert result["occupations"]["kept_local_edits"] == 1
    assert Occupation.objects.count() == 10


def test_reference_data_cannot_be_deleted(reference):
    Trade.objects.create(code="6-28-01-01", name="测试工种", occupation_code="6-28-01-01")
    for obj in (
        Occupation.objects.first(),
        Direction.objects.first(),
        Level.objects.first(),
        Industry.objects.first(),
        Trade.objects.first(),
        Region.objects.get(code="210100"),
    ):
        with pytest.raises(Conflict):
            obj.delete()
    for model in (Occupation, Direction, Level, Industry, Trade):
        with pytest.raises(Conflict):
            model.objects.all().delete()
    assert Occupation.objects.count() == 10
    assert Trade.objects.count() == 1


def test_load_by_a_person_needs_the_capability(world):
    with pytest.raises(PermissionDenied):
        reference_load(actor=world.sy_inst_admin)
    result = reference_load(actor=world.sysadmin)
    assert result["occupations"]["created"] == 10
    event = AuditEvent.objects.filter(action="catalogs.reference_loaded").latest("id")
    assert event.actor_id == world.sysadmin.pk
    assert event.after["occupations"]["created"] == 10


def test_load_reference_command(db, capsys):
    from django.core.management import call_command

    call_command("load_reference")
    out = capsys.readouterr().out
    assert "regions:" in out and "occupations:" in out
    assert Region.objects.filter(code="420100").exists()
