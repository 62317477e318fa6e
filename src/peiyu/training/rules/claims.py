"""TRN-9: prohibited claims in the public texts of a training institution.

`000` Art. 17 and `003` §6(2): a training institution must not train across regions/provinces in the
name of "合作""联合""联盟", certify without (real) training, offer "培训贷", advertise falsely or
exaggerate the effect of training (包过、不过退费、包职称、包就业、包年薪 "等"). Every public text the
platform publishes for an institution (announcements, plan descriptions, class titles) goes through
`check_public_text` / `check_public_texts`; a failure is blocking.

How the text is read:

1. normalised character by character (rules.claims_text) — NFKC (full-width → half-width,
   compatibility ideographs and Kangxi radicals → ordinary characters), lower case, a small explicit traditional → simplified map
   (only the characters the patterns and their exclusions need), zero-width and format characters,
   spaces, dashes, quotes, brackets, symbols and emoji removed (so "包 过", "包-过", "“包”过", "包*过"
   read as "包过"), pinyin glosses such as "費(fèi)" dropped — while a position map keeps, for every
   normalised character, the index of the original character it came from;
   clause punctuation (。，、；：！？ and line breaks) and "%" are kept, because the patterns use them
   as boundaries;
2. matched against regular expressions compiled at import time from the declared table `CATEGORIES`
   (rules.claims_phrases, with the negation cues);
3. a match is *negated* — and not a violation — when a prohibition or denial governs it: "不得""严禁"
   "禁止""杜绝""谨防""不承诺""不搞"… earlier in the same clause (no comma or full stop between), or
   "不""无""非""没有" immediately before it ("本机构不包过"). Official texts quoting the rule and
   institutions' own compliance commitments therefore pass. Negated matches are reported in the
   facts under "negated" so a reviewer can see them.

The phrase, start and end of every match refer to the *original* text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from peiyu.core.checks import Check

from .claims_phrases import (
    CATEGORIES,
    CLAUSE_END,
    HAVE_TO,
    NAMED_AS_VIOLATION,
    NEGATION_REACH,
    SOFT,
    STRONG_NEGATION,
    WEAK_NEGATION,
    Category,
)
from .claims_text import normalise

try:  # only to find the characters a pattern can start with (a speed-up; without it: full scans)
    # (private modules of re, not in the type stubs)
    from re import _constants as _sre  # type: ignore[attr-defined]
    from re import _parser as _sre_parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    _sre = _sre_parser = None

RULE = "TRN-9"
SOURCE = "000 第十七条；003 六（二）"

__all__ = [
    "CATEGORIES",
    "RULE",
    "SOURCE",
    "Category",
    "check_public_text",
    "check_public_texts",
    "find_claims",
    "normalise",
]

# --------------------------------------------------------------------------------------------------
# The table compiled
# --------------------------------------------------------------------------------------------------


class _Unknown(Exception):
    pass


def _lead(items: Any) -> tuple[set[str], bool]:
    """The characters a match of the parsed regex `items` can start with, and whether it can be empty.
    Only what the table uses is understood; anything else raises _Unknown."""
    lead: set[str] = set()
    for op, av in items:
        if op in (_sre.ASSERT, _sre.ASSERT_NOT, _sre.AT):
            continue  # zero-width
        if op is _sre.LITERAL:
            first, nullable = {chr(av)}, False
        elif op is _sre.IN:
            first, nullable = set(), False
            for iop, iav in av:
                if iop is _sre.LITERAL:
                    first.add(chr(iav))
                elif iop is _sre.RANGE and iav[1] - iav[0] < 64:
                    first.update(chr(c) for c in range(iav[0], iav[1] + 1))
                else:
                    raise _Unknown
        elif op is _sre.BRANCH:
            first, nullable = set(), False
            for branch in av[1]:
                f, n = _lead(branch)
                first |= f
                nullable = nullable or n
        elif op is _sre.SUBPATTERN:
            first, nullable = _lead(av[-1])
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
            first, nullable = _lead(av[2])
            nullable = nullable or av[0] == 0
        else:
            raise _Unknown
        lead |= first
        if not nullable:
            return lead, False
    return lead, True


def _trigger(pattern: str) -> re.Pattern[str] | None:
    """A character class of the characters a match of `pattern` can start with (None: not known)."""
    if _sre_parser is None:
        return None
    try:
        lead, nullable = _lead(_sre_parser.parse(pattern))
    except (_Unknown, AttributeError):
        return None
    if nullable or not lead:
        return None
    return re.compile("[" + "".join(re.escape(c) for c in sorted(lead)) + "]")


_Compiled = tuple[Category, re.Pattern[str], re.Pattern[str] | None, re.Pattern[str] | None]


def _compile(cat: Category) -> _Compiled:
    """The category's patterns as one regex, its trigger characters and its `unless_before` regex."""
    pattern = "|".join(f"(?:{p})" for p in cat.patterns)
    unless = re.compile(f"(?:{cat.unless_before})") if cat.unless_before else None
    return cat, re.compile(pattern), _trigger(pattern), unless


_COMPILED: tuple[_Compiled, ...] = tuple(_compile(cat) for cat in CATEGORIES)


# --------------------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------------------


def _negation(norm: str, start: int, end: int) -> str | None:
    """The cue that negates the match norm[start:end], if any."""
    for cue in WEAK_NEGATION:
        if start >= len(cue) and norm.startswith(cue, start - len(cue)):
            return cue
    lo = max(0, start - NEGATION_REACH)
    before = norm[lo:start]
    ends = [m.end() for m in CLAUSE_END.finditer(before)]
    if ends:
        before = before[ends[-1] :]
        lo += ends[-1]
    for m in reversed(list(STRONG_NEGATION.finditer(before))):
        cue_end = lo + m.end()
        # "不得不说/承认…" is "have to"; "不得不培训或培训走过场就发证" is a prohibition
        if m.group() == "不得" and HAVE_TO.match(norm, cue_end):
            continue
        return m.group()
    if NAMED_AS_VIOLATION.match(norm, end):
        return "等虚假宣传"
    return None


def _clause_before(norm: str, start: int, n: int) -> str:
    before = norm[max(0, start - n) : start]
    cut = max(before.rfind(c) for c in SOFT)
    return before[cut + 1 :]


def find_claims(text: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """All prohibited claims in `text`: (matches, negated matches). Each is a dict with the phrase as
    written, the category code and Chinese label, and start/end indices in `text`; negated ones also
    carry the cue ("不得", "严禁"…). Sorted by position; overlapping matches of one category merged."""
    norm, pos = normalise(text)
    found: list[dict[str, Any]] = []
    negated: list[dict[str, Any]] = []
    for cat, rx, trigger, unless in _COMPILED:
        candidates: Iterable[re.Match[str] | None]
        if trigger is None:
            candidates = rx.finditer(norm)
        else:  # try the full pattern only where one of its first characters occurs
            candidates = (rx.match(norm, t.start()) for t in trigger.finditer(norm))
        spans: list[list[Any]] = []
        neg_spans: list[list[Any]] = []
        for m in candidates:
            if m is None:
                continue
            ns, ne = m.span()
            if ne <= ns:
                continue
            if unless is not None and unless.search(_clause_before(norm, ns, 10)):
                continue
            cue = _negation(norm, ns, ne)
            target = spans if cue is None else neg_spans
            if target and ns < target[-1][1]:  # overlapping: merge
                target[-1][1] = max(target[-1][1], ne)
            else:
                target.append([ns, ne] if cue is None else [ns, ne, cue])
        for ns, ne in spans:
            found.append(_match(text, pos, ns, ne, cat))
        for ns, ne, cue in neg_spans:
            negated.append({**_match(text, pos, ns, ne, cat), "cue": cue})
    found.sort(key=lambda d: (d["start"], d["end"]))
    negated.sort(key=lambda d: (d["start"], d["end"]))
    return found, negated


def _match(text: str, pos: list[int], ns: int, ne: int, cat: Category) -> dict[str, Any]:
    start, end = pos[ns], pos[ne - 1] + 1
    return {
        "phrase": text[start:end],
        "category": cat.code,
        "category_label": cat.label,
        "start": start,
        "end": end,
    }


def _describe(matches: list[dict[str, Any]]) -> str:
    items = dict.fromkeys(f"“{m['phrase']}”（{m['category_label']}）" for m in matches)
    return "、".join(items)


def check_public_text(text: str, *, field: str = "text", label: str | None = None) -> Check:
    """TRN-9 on one public text (announcement, plan description, class title…). `field` names it in the
    facts; `label` (Chinese, e.g. "班级名称") in the message."""
    matches, negated = find_claims(text or "")
    facts = {"field": field, "matches": matches, "negated": negated}
    where = f"「{label}」" if label else ""
    if matches:
        msg = f"公开文本{where}含有违规承诺{_describe(matches)}，违反TRN-9"
        return Check(RULE, False, msg, facts, SOURCE, blocking=True)
    return Check(RULE, True, f"公开文本{where}未发现TRN-9禁止的宣传内容", facts, SOURCE, blocking=True)


def check_public_texts(fields: Mapping[str, str], *, labels: Mapping[str, str] | None = None) -> Check:
    """TRN-9 on several public texts at once, e.g. {"title": …, "description": …}. The facts list every
    field with its matches; the message names each offending field (by its label when given)."""
    labels = labels or {}
    per_field: list[dict[str, Any]] = []
    parts = []
    for name, text in fields.items():
        matches, negated = find_claims(text or "")
        per_field.append({"field": name, "matches": matches, "negated": negated})
        if matches:
            parts.append(f"「{labels.get(name, name)}」含有违规承诺{_describe(matches)}")
    facts = {
        "fields": per_field,
        "matches": [{"field": f["field"], **m} for f in per_field for m in f["matches"]],
    }
    if parts:
        msg = "公开文本" + "；".join(parts) + "，违反TRN-9"
        return Check(RULE, False, msg, facts, SOURCE, blocking=True)
    return Check(RULE, True, "公开文本未发现TRN-9禁止的宣传内容", facts, SOURCE, blocking=True)
