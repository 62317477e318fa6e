"""The number templates in words (CRT-4): what the public policy page shows instead of the template."""

from __future__ import annotations

from peiyu.certificates.rules.numbering import FIELD_LABELS, FIELDS, TRAINING_TEMPLATE, describe


def test_every_field_a_template_may_name_has_its_words():
    assert set(FIELD_LABELS) == FIELDS


def test_the_dte_template_reads_as_its_parts():
    assert describe("D{province}{yyyy}{level_code}{serial:08d}") == (
        "D + 省份代码（2位） + 年份（4位） + 等级代码 + 序号（8位）"
    )


def test_the_skill_coding_rule_reads_as_its_22_characters():
    text = describe("{type}{institution_code}{province}{site_serial}{yy}{level_code}{serial:06d}")
    assert text == (
        "类别码（Y 用人单位、S 社会组织） + 机构代码（4位） + 省份代码（2位） + 机构（考点）序号（6位） "
        "+ 年份（2位） + 等级代码 + 序号（6位）"
    )
    assert "{" not in describe(TRAINING_TEMPLATE)


def test_a_field_outside_the_rule_is_shown_by_its_name_not_dropped():
    assert describe("X{branch}{serial:04d}") == "X + branch + 序号（4位）"
