"""Pure rules of certificates themselves: the number a reissue takes (CRT-4) and what a correction may
change."""

from __future__ import annotations

import re

from .numbering import NumberPlan

_SERIAL = re.compile(r"\{serial:0(\d+)d\}$")

# what a corrected reissue may change (the rest is what the evaluation or training established)
CORRECTABLE = {"holder_name": "姓名", "direction": "职业方向"}
REISSUE_KINDS = {"lost": "遗失补发", "corrected": "更正换发"}


def serial_width(template: str) -> int:
    """The serial's width of a number template ending in `{serial:0Nd}`."""
    match = _SERIAL.search(template)
    if match is None:
        raise ValueError("证书编号格式须以 {serial:0Nd}（N 位序号）结尾")
    return int(match.group(1))


def reissue_plan(number: str, width: int) -> NumberPlan:
    """CRT-4: a reissued certificate keeps its predecessor's number scheme — the same prefix (issuer,
    place, year and level as first issued) — with a new serial under it."""
    if width <= 0 or len(number) <= width or not number[-width:].isdigit():
        raise ValueError(f"证书编号“{number}”不以 {width} 位序号结尾")
    return NumberPlan(number[:-width], width)
