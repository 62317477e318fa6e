"""Expert panels (SEL-8; DTE: 000 Art. 7(3), Chengdu's technical review: 001 Art. 7): who may be drawn, the draw itself, and the aggregate of the
experts' scores. Pure functions over plain facts; the services gather the facts and store the result.

Recusal (回避): an expert is never drawn for a batch if, for ANY applicant of the batch,
- the expert works for the applicant (employer org id, or the employer's name, matches);
- the expert declared a conflict with the applicant (org id or unified social credit code), or with a
  unit the applicant declared as related (its subsidiaries, branches and support units,
  `form["related_usccs"]`);
- the expert's employer is one of the applicant's declared related units.

The draw (algorithm ``sha256-seeded-fisher-yates-v1``) is reproducible by anyone holding the seed and
the sorted candidate ids, in any language, without Python's `random`:

1. ``a`` = the eligible expert ids, sorted ascending (stored on the panel as `candidates`).
2. A byte stream: block k (k = 0, 1, 2, …) is ``SHA-256(UTF-8(seed) || ":" || decimal(k))``; the
   blocks are concatenated.
3. ``randbelow(m)``: read the next 8 bytes of the stream as an unsigned big-endian integer x; if
   ``x < 2**64 - (2**64 mod m)`` return ``x mod m``, otherwise discard x and read again (rejection
   sampling, so every value is equally likely).
4. Fisher–Yates: for i from len(a) - 1 down to 1: j = randbelow(i + 1); swap a[i] and a[j].
5. The panel is the first n of ``a``; each replacement after a decline is the next id of ``a`` not yet
   used (ids found ineligible at the time of a replacement are recorded and skipped).

So the whole panel, replacements included, follows from seed + candidates (+ the recorded skips)."""

from __future__ import annotations

import hashlib
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .sources import article

ALGORITHM = "sha256-seeded-fisher-yates-v1"
RULE = "SEL-8"
VOTES = ("for", "against", "abstain")
# Officials who keep an expert pool and run panels: the bodies whose routes hold an expert-review step
# (coordination group, provincial HRSS, Chengdu's capacity centre).
POOL_CAPABILITIES = ("application.decide", "application.review_province", "application.review_technical")

# A field of expertise is an occupation or trade code, or a prefix of one (2-02-38 covers the
# whole digital-technology-engineer group).
FIELD_CODE = re.compile(r"^\d(-\d{2}){1,4}$")


def source(programme: str) -> str:
    """The article a panel of `programme` rests on (rules.sources): the national measures' expert review
    (000 第七条（三）) for a DTE call, the Chengdu measures' technical review (001 第七条) for a skill
    filing — a Chengdu panel never cites the DTE measures."""
    return article("expert_review", programme)


# --- facts ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpertFacts:
    id: int
    name: str = ""
    employer_id: int | None = None
    employer_name: str = ""
    employer_uscc: str | None = None
    fields: tuple[str, ...] = ()
    conflict_org_ids: frozenset[int] = field(default_factory=frozenset)
    conflict_usccs: frozenset[str] = field(default_factory=frozenset)
    active: bool = True


@dataclass(frozen=True)
class ApplicantFacts:
    """One application of the batch: the applying institution and the units it declared as related."""

    application: str  # the application number, for the reasons shown to people
    org_id: int
    name: str
    occupation_code: str
    uscc: str | None = None
    related_usccs: frozenset[str] = field(default_factory=frozenset)
    related_org_ids: frozenset[int] = field(default_factory=frozenset)


def normalise_name(name: str | None) -> str:
    """Unit names compared without spaces and with full-width brackets folded (（）→ ())."""
    text = (name or "").strip().replace("（", "(").replace("）", ")")
    return re.sub(r"\s+", "", text)


def _uscc(value: str | None) -> str:
    return (value or "").strip().upper()


# --- recusal and eligibility --------------------------------------------------------------------------------


def recusal_reasons(expert: ExpertFacts, applicant: ApplicantFacts) -> list[str]:
    """Why `expert` must not review `applicant` (empty: no conflict). Chinese, one reason per ground."""
    reasons: list[str] = []
    who = f"{applicant.name}（申报 {applicant.application}）"
    employer_name = normalise_name(expert.employer_name)
    if (expert.employer_id is not None and expert.employer_id == applicant.org_id) or (
        employer_name and employer_name == normalise_name(applicant.name)
    ):
        reasons.append(f"任职于申报单位{who}")
    applicant_uscc = _uscc(applicant.uscc)
    if applicant.org_id in expert.conflict_org_ids or (
        applicant_uscc and applicant_uscc in expert.conflict_usccs
    ):
        reasons.append(f"已申报与{who}存在利害关系")
    related_usccs = {_uscc(u) for u in applicant.related_usccs if u}
    declared_related = (expert.conflict_org_ids & applicant.related_org_ids) or (
        expert.conflict_usccs & related_usccs
    )
    if declared_related:
        reasons.append(f"已申报与{who}的关联单位存在利害关系")
    employer_uscc = _uscc(expert.employer_uscc)
    if (expert.employer_id is not None and expert.employer_id in applicant.related_org_ids) or (
        employer_uscc and employer_uscc in related_usccs
    ):
        reasons.append(f"工作单位是{who}申报的下属单位、分支机构或技术支持单位")
    return reasons


def field_covers(fields: Iterable[str], occupation_code: str) -> bool:
    """An expert's field covers an occupation when it is its code or a prefix of it (2-02-38 ⊃ 2-02-38-01)."""
    return any(occupation_code == f or occupation_code.startswith(f + "-") for f in fields if f)


def eligible(
    experts: Iterable[ExpertFacts], applicants: Sequence[ApplicantFacts]
) -> tuple[list[int], list[dict[str, Any]]]:
    """The candidates of a draw and the experts recused.

    Candidates: experts in the pool (active), whose fields cover the occupation of EVERY application of
    the batch (each member scores every application), with no recusal ground against ANY applicant;
    returned sorted. Recused: experts of the field who were left out, with every reason, so the record
    shows who was kept out and why. Experts outside the field or no longer in the pool are simply not
    part of the relevant pool and are not listed."""
    codes = sorted({a.occupation_code for a in applicants})
    candidates: list[int] = []
    excluded: list[dict[str, Any]] = []
    for expert in sorted(experts, key=lambda e: e.id):
        if not expert.active or not all(field_covers(expert.fields, c) for c in codes):
            continue
        reasons = [r for a in applicants for r in recusal_reasons(expert, a)]
        if reasons:
            excluded.append({"expert": expert.id, "name": expert.name, "reason": "；".join(reasons)})
        else:
            candidates.append(expert.id)
    return candidates, excluded


# --- the draw -----------------------------------------------------------------------------------------------


class _Stream:
    """The SHA-256 counter stream of the module docstring, step 2."""

    def __init__(self, seed: str) -> None:
        self._seed = seed.encode("utf-8")
        self._counter = 0
        self._buffer = b""

    def take(self, n: int) -> bytes:
        while len(self._buffer) < n:
            self._buffer += hashlib.sha256(self._seed + b":" + str(self._counter).encode("ascii")).digest()
            self._counter += 1
        out, self._buffer = self._buffer[:n], self._buffer[n:]
        return out

    def randbelow(self, m: int) -> int:
        if m <= 0:
            raise ValueError("m must be positive")
        span = 1 << 64
        limit = span - (span % m)
        while True:
            x = int.from_bytes(self.take(8), "big")
            if x < limit:
                return x % m


def shuffled(candidate_ids: Sequence[int], seed: str) -> list[int]:
    """The whole draw order: the sorted candidates shuffled by Fisher–Yates on the seed's stream."""
    a = sorted(int(c) for c in candidate_ids)
    stream = _Stream(seed)
    for i in range(len(a) - 1, 0, -1):
        j = stream.randbelow(i + 1)
        a[i], a[j] = a[j], a[i]
    return a


def draw(candidate_ids: Sequence[int], seed: str, n: int) -> list[int]:
    """The first n of the draw order (fewer if there are fewer candidates; the service refuses that)."""
    if n < 0:
        raise ValueError("n must not be negative")
    return shuffled(candidate_ids, seed)[:n]


def next_candidate(order: Sequence[int], used: Iterable[int]) -> int | None:
    """The replacement after a decline: the first id of the draw order not yet used."""
    taken = set(used)
    for expert_id in order:
        if expert_id not in taken:
            return expert_id
    return None


def replay(
    candidate_ids: Sequence[int], seed: str, size: int, replacements: int, skipped: Iterable[int] = ()
) -> list[int]:
    """Recompute every member of a panel, in drawing order: the first `size` of the draw order, then
    `replacements` further ids, each the next one not used and not recorded as skipped."""
    order = shuffled(candidate_ids, seed)
    members = order[:size]
    used = set(members) | set(skipped)
    for _ in range(replacements):
        nxt = next_candidate(order, used)
        if nxt is None:
            break
        members.append(nxt)
        used.add(nxt)
    return members


# --- the result (reference only) ------------------------------------------------------------------------------


def _num(value: Any) -> float:
    return float(Decimal(str(value)))


def aggregate(scores: Iterable[Any]) -> dict[str, Any]:
    """Count, mean, median, min and max of the scores, the votes, and whether a majority of the experts
    who scored voted for (推荐): `recommended` is True when votes for > half the count, False
    otherwise, None without scores. The panel's result is a reference for the decision, never binding
    (SEL-8). Each score is a mapping or an object with `score` and `vote`. Plain floats and ints, so
    the result can be stored as JSON."""
    values: list[float] = []
    votes = dict.fromkeys(VOTES, 0)
    for s in scores:
        score = s["score"] if isinstance(s, dict) else s.score
        vote = s["vote"] if isinstance(s, dict) else s.vote
        values.append(_num(score))
        if vote in votes:
            votes[vote] += 1
    count = len(values)
    if not count:
        return {
            "count": 0,
            "mean": None,
            "median": None,
            "min": None,
            "max": None,
            "votes": votes,
            "recommended": None,
        }
    return {
        "count": count,
        "mean": round(statistics.fmean(values), 2),
        "median": round(float(statistics.median(values)), 2),
        "min": min(values),
        "max": max(values),
        "votes": votes,
        "recommended": votes["for"] * 2 > count,
    }


def validate_fields(fields: Iterable[str]) -> list[str]:
    """The codes of `fields` that are not occupation/trade codes or prefixes of one."""
    return [f for f in fields if not isinstance(f, str) or not FIELD_CODE.match(f.strip())]
