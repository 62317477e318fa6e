"""One refusal shape (DomainError.as_dict), one way to turn failed checks into a refusal
(refuse_failed) and one formatter of the text naming failed rules (no "违反TRN-9（TRN-9）", no "。；")."""

from __future__ import annotations

import pytest

from peiyu.core.checks import Check, failure_message, join_messages, refusal_text, refuse_failed, rule_message
from peiyu.core.errors import Conflict, DomainError, InvalidInput, NotFound, RuleViolation


def test_every_refusal_has_the_same_shape():
    assert InvalidInput("请求数据有误").as_dict() == {
        "code": "invalid_input",
        "message": "请求数据有误",
        "rules": [],
        "fields": {},
    }
    body = RuleViolation(
        "超出线上学时上限", rule="TRN-4", fields={"hours_online": ["不能超过40%"]}, details={"decision": 7}
    ).as_dict()
    assert body == {
        "code": "rule_violation",
        "message": "超出线上学时上限",
        "rules": ["TRN-4"],
        "fields": {"hours_online": ["不能超过40%"]},
        "details": {"decision": 7},
    }
    assert NotFound().as_dict()["rules"] == [] and Conflict("x", code="c").as_dict()["code"] == "c"


def test_rules_take_a_list_and_rule_is_the_one_rule_spelling():
    several = RuleViolation("不符合", rules=["TRN-1", "TRN-10", "TRN-1"])
    assert several.rules == ["TRN-1", "TRN-10"] and several.rule == "TRN-1/TRN-10"
    both = RuleViolation("不符合", rule="SEL-3", rules=["SEL-4"])
    assert both.rules == ["SEL-3", "SEL-4"]
    assert DomainError("x").rule is None and DomainError("x").rules == []


@pytest.mark.parametrize(
    ("message", "rules", "expected"),
    [
        ("公开文本含有违规承诺“包过”，违反TRN-9", ["TRN-9"], "公开文本含有违规承诺“包过”，违反TRN-9"),
        ("线上学时超过40%。", ["TRN-4"], "线上学时超过40%（TRN-4）"),
        ("线上学时超过40%", [], "线上学时超过40%"),
        ("线上学时超过40%。", [], "线上学时超过40%。"),
        ("依TRN-10不予备案", ["TRN-1", "TRN-10"], "依TRN-10不予备案（TRN-1）"),
        ("须先说明理由", ["SEL-3", None, "SEL-3"], "须先说明理由（SEL-3）"),
    ],
)
def test_rule_message_names_each_rule_once(message, rules, expected):
    assert rule_message(message, rules) == expected


def test_failure_message_joins_without_a_full_stop_before_the_separator():
    checks = [
        Check("TRN-8", False, "已达到法定退休年龄。"),
        Check("TRN-8", False, "人员类别不属于培训对象；"),
        Check("TRN-9", False, "公开文本含有违规承诺“包过”，违反TRN-9"),
        Check("TRN-9", False, "公开文本含有违规承诺“包过”，违反TRN-9"),
        Check("TRN-4", False, "线上学时超过40%"),
    ]
    text = failure_message(checks, lead="不符合条件：")
    assert text == (
        "不符合条件：已达到法定退休年龄；人员类别不属于培训对象（TRN-8）；"
        "公开文本含有违规承诺“包过”，违反TRN-9；线上学时超过40%（TRN-4）"
    )
    assert "。；" not in text and "（TRN-9）" not in text


def test_refuse_failed_raises_one_violation_with_every_failed_rule():
    checks = [
        Check("SEL-1", True, "成立满3年"),
        Check("SEL-3", False, "近3年培训规模不足。", blocking=True),
        Check("SEL-4", False, "师资不足", blocking=False),
    ]
    refuse_failed([c for c in checks if c.ok], code="never")  # nothing failed: no refusal
    with pytest.raises(RuleViolation) as exc:
        refuse_failed(checks, code="application_ineligible", lead="不符合申报条件：", details={"decision": 3})
    body = exc.value.as_dict()
    assert body["code"] == "application_ineligible" and body["rules"] == ["SEL-3", "SEL-4"]
    assert body["message"] == "不符合申报条件：近3年培训规模不足（SEL-3）；师资不足（SEL-4）"
    assert body["details"]["decision"] == 3
    assert [c["rule"] for c in body["details"]["checks"]] == ["SEL-3", "SEL-4"]
    with pytest.raises(RuleViolation) as exc:
        refuse_failed(checks, code="blocked", blocking_only=True, fields={"form": ["请修改"]})
    assert exc.value.rules == ["SEL-3"] and exc.value.fields == {"form": ["请修改"]}


def test_refusal_text_for_a_page_message():
    exc = RuleViolation(
        "公开文本含有违规承诺，违反TRN-9。",
        rule="TRN-9",
        fields={"title": ["班级名称含有“包过”。"], "other": ["公开文本含有违规承诺，违反TRN-9。"]},
    )
    assert refusal_text(exc) == "公开文本含有违规承诺，违反TRN-9；班级名称含有“包过”。"
    assert refusal_text(exc, fields=False) == "公开文本含有违规承诺，违反TRN-9。"
    assert refusal_text(RuleViolation("名额已满。", rule="SEL-6")) == "名额已满（SEL-6）"
    assert refusal_text(InvalidInput("信息有误。", fields={"a": ["请填写姓名"]})) == "信息有误；请填写姓名"
    assert RuleViolation("名额已满。", rule="SEL-6").text == "名额已满（SEL-6）"
    assert RuleViolation("违反TRN-9", rule="TRN-9").text == "违反TRN-9"


def test_join_messages_never_puts_a_full_stop_before_the_separator():
    assert join_messages(["学时不足。", "考核不合格；", "", "学时不足"]) == "学时不足；考核不合格"
