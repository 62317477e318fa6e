"""Rules of items (EVL-2; seed 001 Art. 17(2), seed 000 Art. 11(2)): what an item's content must hold by
type (the format of `ItemVersion`), the three different people who write, review and approve it, and the
knowledge area and difficulty of its bank's blueprint. Pure: plain values in, Checks or messages out."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from peiyu.core.checks import Check

from .banks import SOURCE_EVL2

# the values of models.ItemType and models.Difficulty (rules read plain values, not models)
SINGLE, MULTIPLE, TRUE_FALSE, FILL, SHORT, PRACTICAL = (
    "single",
    "multiple",
    "true_false",
    "fill",
    "short",
    "practical",
)
ITEM_TYPES = (SINGLE, MULTIPLE, TRUE_FALSE, FILL, SHORT, PRACTICAL)
THEORY_TYPES = frozenset(ITEM_TYPES[:-1])
DIFFICULTIES = (1, 2, 3, 4, 5)
LETTERS = "ABCDEFGH"
OPTIONS_MIN = 2
OPTIONS_MAX = len(LETTERS)
STEM_MAX = 4000
OPTION_MAX = 500
ANSWER_MAX = 4000
PRACTICAL_TOTAL = Decimal(100)  # a practical set's scoring criteria are on the 100-point scale (EVL-7)
TRUE_WORDS = {"T": "T", "对": "T", "正确": "T", "√": "T", "是": "T", "TRUE": "T", "Y": "T"}
FALSE_WORDS = {"F": "F", "错": "F", "错误": "F", "×": "F", "否": "F", "FALSE": "F", "N": "F"}

STEP_LABELS = {"write": "命题", "review": "审题", "approve": "审定"}


def _text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    return "" if value is None else str(value).strip()


def _lines(value: Any) -> list[str]:
    """A list, or a text with one entry per line (a form's textarea)."""
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


def _criteria(value: Any, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Scoring criteria: [{"criterion", "points"}] or lines "评分要点|分值"."""
    rows: list[dict[str, Any]] = []
    entries: list[tuple[str, Any]] = []
    if isinstance(value, list | tuple):
        for entry in value:
            if isinstance(entry, Mapping):
                entries.append((str(entry.get("criterion") or "").strip(), entry.get("points")))
            else:
                entries.append((str(entry), None))
    else:
        for line in _lines(value):
            parts = re.split(r"[|｜]", line, maxsplit=1)
            entries.append(
                (parts[0].strip(), parts[1].strip() if len(parts) > 1 and parts[1].strip() else None)
            )
    for n, (text, points) in enumerate(entries, start=1):
        if not text:
            errors.setdefault("criteria", []).append(f"第{n}条评分要点未填写内容")
            continue
        try:
            amount = Decimal(str(points))
        except (InvalidOperation, ValueError):
            errors.setdefault("criteria", []).append(
                f"第{n}条评分要点“{text[:20]}”的分值应为数字（格式：要点|分值）"
            )
            continue
        if amount <= 0 or amount != amount.quantize(Decimal("0.1")):
            errors.setdefault("criteria", []).append(f"第{n}条评分要点的分值应为大于0的数（最多一位小数）")
            continue
        rows.append({"criterion": text[:OPTION_MAX], "points": _number(amount)})
    return rows


def _number(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _letters(answer: str) -> str:
    return "".join(sorted({c for c in answer.upper() if c.isalpha()}))


def clean_content(item_type: str, raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The content of an item of `item_type` as stored (ItemVersion's format) and the problems per
    field, in Chinese. Options and accepted answers come as lists or as one entry per line; criteria as
    [{"criterion", "points"}] or lines "要点|分值"."""
    errors: dict[str, list[str]] = {}
    if item_type not in ITEM_TYPES:
        return {}, {"item_type": ["请选择题型"]}
    stem = _text(raw, "stem")
    if not stem:
        errors["stem"] = ["请填写题干" if item_type != PRACTICAL else "请填写操作任务"]
    elif len(stem) > STEM_MAX:
        errors["stem"] = [f"题干不能超过{STEM_MAX}个字"]
    content: dict[str, Any] = {"stem": stem}
    if item_type in (SINGLE, MULTIPLE):
        options = _lines(raw.get("options"))
        if not OPTIONS_MIN <= len(options) <= OPTIONS_MAX:
            errors["options"] = [f"选项应为{OPTIONS_MIN}至{OPTIONS_MAX}个（每行一个）"]
        elif any(len(o) > OPTION_MAX for o in options):
            errors["options"] = [f"每个选项不能超过{OPTION_MAX}个字"]
        elif len(set(options)) != len(options):
            errors["options"] = ["选项不能重复"]
        content["options"] = options
        answer = _letters(_text(raw, "answer"))
        allowed = LETTERS[: len(options)]
        if not answer:
            errors["answer"] = ["请填写标准答案（选项字母）"]
        elif any(c not in allowed for c in answer):
            errors["answer"] = [f"标准答案应为选项字母（{allowed[0]}—{allowed[-1] if allowed else 'A'}）"]
        elif item_type == SINGLE and len(answer) != 1:
            errors["answer"] = ["单项选择题的标准答案只能是一个选项"]
        elif item_type == MULTIPLE and len(answer) < 2:
            errors["answer"] = ["多项选择题的标准答案应至少有两个选项"]
        content["answer"] = answer
    elif item_type == TRUE_FALSE:
        word = _text(raw, "answer").upper()
        answer = TRUE_WORDS.get(word) or FALSE_WORDS.get(word) or ""
        if not answer:
            errors["answer"] = ["判断题的标准答案应为“对”或“错”"]
        content["answer"] = answer
    elif item_type == FILL:
        accepted = _lines(raw.get("answer"))
        if not accepted:
            errors["answer"] = ["请填写标准答案（可接受的答案每行一个）"]
        content["answer"] = accepted
    elif item_type == SHORT:
        answer = _text(raw, "answer")
        if not answer:
            errors["answer"] = ["请填写参考答案"]
        elif len(answer) > ANSWER_MAX:
            errors["answer"] = [f"参考答案不能超过{ANSWER_MAX}个字"]
        content["answer"] = answer
        content["criteria"] = _criteria(raw.get("criteria"), errors)
        if not content["criteria"] and "criteria" not in errors:
            errors["criteria"] = ["请填写评分要点（每行一条：要点|分值）"]
    else:  # practical
        content["materials"] = _text(raw, "materials")[:ANSWER_MAX]
        minutes = _text(raw, "minutes")
        if not minutes.isdigit() or not 1 <= int(minutes) <= 600:
            errors["minutes"] = ["操作时长应为1至600之间的整数（分钟）"]
        content["minutes"] = int(minutes) if minutes.isdigit() else 0
        content["criteria"] = _criteria(raw.get("criteria"), errors)
        total = sum((Decimal(str(c["points"])) for c in content["criteria"]), Decimal(0))
        if "criteria" not in errors and total != PRACTICAL_TOTAL:
            errors["criteria"] = [f"评分标准各项分值合计应为{PRACTICAL_TOTAL}分，现为{_number(total)}分"]
    analysis = _text(raw, "analysis")
    if analysis:
        content["analysis"] = analysis[:ANSWER_MAX]
    return content, errors


def check_difficulty(value: Any) -> str | None:
    """None, or the message for a difficulty outside 1–5."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = 0
    if number in DIFFICULTIES:
        return None
    return "难度应为1至5（1 易、2 较易、3 中等、4 较难、5 难）"


def check_area(area_code: str, known: Iterable[str], *, blueprint: str = "") -> Check:
    """An item is tagged with a knowledge area of its bank's blueprint (EVL-2)."""
    codes = sorted(set(known))
    ok = area_code in codes
    where = f"权重表“{blueprint}”" if blueprint else "本题库的权重表"
    message = (
        f"知识模块“{area_code}”属于{where}"
        if ok
        else f"知识模块“{area_code or '（未填）'}”不在{where}中（可选：{'、'.join(codes) or '无'}）"
    )
    return Check("EVL-2", ok, message, {"area": area_code, "known": codes}, source=SOURCE_EVL2, blocking=True)


def check_distinct_persons(step: str, actor_id: int, earlier: Mapping[str, int | None]) -> Check:
    """Writing, reviewing and approving an item are done by three different people (EVL-2): the actor
    of `step` must not be the person of an earlier step of the same version."""
    same = [STEP_LABELS[name] for name, who in earlier.items() if who is not None and who == actor_id]
    label = STEP_LABELS[step]
    if same:
        message = f"{label}人不能与本版本的{'、'.join(same)}人为同一人：命题、审题、审定须由三名不同人员完成"
    else:
        message = f"{label}人与本版本的命题、审题人员不同"
    return Check(
        "EVL-2",
        not same,
        message,
        {"step": step, "actor": actor_id, "earlier": dict(earlier)},
        source=SOURCE_EVL2,
        blocking=True,
    )
