"""The wording check (CRT-2): each restricted word refused with the field it is in; a word that only
appears inside the issuer's own legal name is held for an official, never silently accepted."""

from __future__ import annotations

import pytest

from peiyu.certificates.rules.templates import (
    DEFAULTS,
    RESTRICTED,
    Wording,
    body_text,
    check_wording,
    restricted_in,
)

ISSUER = "成都市数字技能评价服务中心"


@pytest.mark.parametrize("word", RESTRICTED)
def test_every_restricted_word_is_refused_in_the_title(word):
    result = check_wording(Wording(f"{word}电工证书", "特发此证。"), ISSUER)
    assert not result.ok and not result.held and "title" in result.refused
    assert word in result.refused["title"] and "CRT-2" in result.refused["title"]
    assert result.check.rule == "CRT-2" and result.check.blocking and not result.check.ok


def test_each_field_gets_its_own_error():
    result = check_wording(Wording("全国通用证书", "经考核达到职业资格要求。", "国家认可"), ISSUER)
    assert set(result.refused) == {"title", "body", "seal_text"}
    assert "证书正文" in result.refused["body"] and "职业资格" in result.refused["body"]


def test_the_longest_word_is_named_once():
    assert restricted_in("中华人民共和国") == ["中华人民共和国"]
    assert restricted_in("中国的国家标准") == ["中国", "国家"]


def test_clean_wording_passes_and_the_defaults_are_clean():
    for wording in DEFAULTS.values():
        result = check_wording(wording, ISSUER)
        assert result.ok and result.check.ok


def test_an_issuer_whose_name_carries_a_word_is_held_not_refused_nor_accepted():
    result = check_wording(Wording("职业技能等级证书", "中国电子学会颁发。", "中国电子学会"), "中国电子学会")
    assert not result.ok and not result.refused and "中国电子学会" in result.held and "中国" in result.held
    assert not result.check.ok and not result.check.blocking
    # even wording that never names the issuer: its seal carries the name
    assert check_wording(DEFAULTS["skill"], "中国电子学会").held


def test_a_word_outside_the_issuers_name_is_still_refused():
    result = check_wording(Wording("全国通用证书", "中国电子学会颁发。"), "中国电子学会")
    assert result.refused == {"title": result.refused["title"]} and not result.held


def test_the_body_placeholders_are_filled_and_other_braces_stay():
    assert body_text("{姓名}达到{职业}{等级}，{其他}", name="王小明", occupation="电工", level="四级") == (
        "王小明达到电工四级，{其他}"
    )
