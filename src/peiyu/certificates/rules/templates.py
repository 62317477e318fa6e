"""Certificate wording (CRT-2, `000` Art. 19): a certificate's title, body and seal text must not use
中华人民共和国, 中国, 中华, 国家, 全国, 人力资源社会保障部, 职业资格, 人员资格, 岗位, 专业技术职务. Pure: the check
names each field that uses a restricted word.

One case is not the issuer's to fix: its own legal name contains such a word (中国电子学会). Its seal must
carry its name, so the wording is neither refused nor silently accepted: it is held for an official's
decision, with the words found in the name as the reason.

The default wording of each kind (used when the issuer has no active template of its own) is here too;
the body may name the holder, occupation and level as {姓名}, {职业}, {等级}."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from peiyu.core.checks import Check

RULE = "CRT-2"
SOURCE = "000 第十九条"
RESTRICTED = (
    "中华人民共和国",
    "中国",
    "中华",
    "国家",
    "全国",
    "人力资源社会保障部",
    "职业资格",
    "人员资格",
    "岗位",
    "专业技术职务",
)
FIELD_LABELS = {"title": "证书名称", "body": "证书正文", "seal_text": "印章文字"}
SEAL_CENTRE = "证书专用章"
PLACEHOLDERS = ("{姓名}", "{职业}", "{等级}")


@dataclass(frozen=True)
class Wording:
    title: str
    body: str
    seal_text: str = ""  # the text around the seal; empty: the issuer's name


DEFAULTS: Mapping[str, Wording] = {
    "training": Wording(
        "培训合格证书", "该学员参加{职业}（{等级}）培训，完成规定学时并经结业考核合格，特发此证。"
    ),
    "skill": Wording("职业技能等级证书", "{姓名}经考核评价，达到{职业}{等级}职业技能等级要求，特发此证。"),
    "level": Wording(
        "专业技术等级证书", "{姓名}经培训考核评价，达到{职业}{等级}专业技术等级要求，特发此证。"
    ),
}


def restricted_in(text: str) -> list[str]:
    """The restricted words `text` uses, longest first, each once (中华人民共和国 is not also 中华)."""
    found: list[str] = []
    rest = text
    for word in sorted(RESTRICTED, key=len, reverse=True):
        if word in rest:
            found.append(word)
            rest = rest.replace(word, "\u0000")
    return found


@dataclass(frozen=True)
class WordingCheck:
    """`refused`: field → its Chinese error; `held`: the reason an official must decide (the issuer's own
    name uses a restricted word and the wording uses no other); `check`: the Check to store."""

    check: Check
    refused: dict[str, str] = field(default_factory=dict)
    held: str = ""

    @property
    def ok(self) -> bool:
        return not self.refused and not self.held


def check_wording(wording: Wording, issuer_name: str) -> WordingCheck:
    """CRT-2 on a template's texts. A restricted word inside the issuer's own legal name is not the
    wording's: those texts are held for an official instead of refused."""
    in_name = restricted_in(issuer_name)
    refused: dict[str, str] = {}
    named: set[str] = set()
    for name, text in (("title", wording.title), ("body", wording.body), ("seal_text", wording.seal_text)):
        words = restricted_in(text)
        if not words:
            continue
        outside = restricted_in(text.replace(issuer_name, "")) if issuer_name else words
        if outside:
            refused[name] = f"{FIELD_LABELS[name]}不得使用“{'”“'.join(outside)}”等字样（CRT-2）"
        else:
            named.update(words)
    if refused:
        message = "证书文字使用了禁用字样：" + "；".join(refused.values())
        return WordingCheck(
            Check(RULE, False, message, {"fields": sorted(refused)}, SOURCE, blocking=True), refused=refused
        )
    if named or in_name:
        words = sorted(named | set(in_name), key=RESTRICTED.index)
        held = (
            f"发证机构名称“{issuer_name}”含有“{'”“'.join(words)}”字样，须由主管部门决定是否同意使用（CRT-2）"
        )
        return WordingCheck(Check(RULE, False, held, {"issuer_words": words}, SOURCE), held=held)
    return WordingCheck(Check(RULE, True, "证书文字未使用禁用字样", {}, SOURCE))


def body_text(body: str, *, name: str, occupation: str, level: str) -> str:
    """The body with its placeholders filled; any other brace stays as it was typed."""
    return body.replace("{姓名}", name).replace("{职业}", occupation).replace("{等级}", level)
