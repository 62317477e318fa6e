"""Item statistics after a session's grading (issue 13 point 3; the indices and thresholds are in
rules/item_stats.py): for each item of the session's theory papers, the facility and the point-biserial
discrimination from the submitted attempts, accumulated over sessions, doubtful items flagged for the
bank's reviewers with the reason. `item_stats_update` is called by the scores area when grading ends
(actor None: the system) and from the bank page's button by a reviewer; running it again for the same
session replaces that session's figures instead of counting them twice."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction

from peiyu.accounts.scoping import scope_for
from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record

from ..models import OBJECTIVE_TYPES, Attempt, EvaluationSession, Item, Marking, Paper
from ..rules import item_stats as st

COUNTED = (Attempt.Status.SUBMITTED, Attempt.Status.AUTO_SUBMITTED)
RUN_CAPS = ("exam.bank_review", "exam.bank_approve", "exam.manage")


def _may_run(actor: Any, session: EvaluationSession) -> None:
    if actor is None:
        return
    if not any(session.institution_id in scope_for(actor, cap).org_ids for cap in RUN_CAPS):
        require(actor, "exam.bank_review", org_id=session.institution_id)  # 403 or 404


def _marks(attempt_ids: list[int]) -> dict[tuple[int, int], Decimal]:
    """A marked position's score: the arbitration (round 3) when there is one, else the mean of the
    rounds marked."""
    rounds: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
    for m in Marking.objects.filter(attempt_id__in=attempt_ids).values(
        "attempt_id", "position", "round", "score"
    ):
        rounds[(m["attempt_id"], m["position"])][m["round"]] = m["score"]
    out = {}
    for key, by_round in rounds.items():
        out[key] = by_round[3] if 3 in by_round else sum(by_round.values(), Decimal(0)) / len(by_round)
    return out


def session_item_scores(session: EvaluationSession) -> dict[int, list[tuple[float, float]]]:
    """For each item of the session's theory papers: (score ratio, candidate's total on the rest of the
    paper) per submitted attempt. Objective items are compared with the sealed answer (responses are
    in the form's order, Attempt.answers keyed by position); marked items read their Markings."""
    attempts = list(
        Attempt.objects.filter(sitting__session=session, status__in=COUNTED).values(
            "id", "paper_id", "answers"
        )
    )
    marks = _marks([a["id"] for a in attempts])
    sealed: dict[int, dict[int, dict[str, Any]]] = {}
    for paper in Paper.objects.filter(pk__in={a["paper_id"] for a in attempts}):
        rows = json.loads(paper.sealed_content or "{}").get("items", [])
        sealed[paper.pk] = {int(r["position"]): r for r in rows}
    out: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for a in attempts:
        answers = a["answers"] or {}
        scored: list[tuple[int, float, float]] = []  # (item, ratio, points scored)
        for position, row in sealed.get(a["paper_id"], {}).items():
            points = float(row.get("points") or 0)
            if points <= 0:
                continue
            if row["type"] in OBJECTIVE_TYPES:
                ratio = (
                    1.0
                    if st.objective_correct(row["type"], answers.get(str(position)), row.get("answer"))
                    else 0.0
                )
            elif (a["id"], position) in marks:
                ratio = min(1.0, max(0.0, float(marks[(a["id"], position)]) / points))
            else:
                continue  # not marked (yet): left out rather than counted as nought
            scored.append((int(row["item"]), ratio, ratio * points))
        total = sum(s for _i, _r, s in scored)
        for item_id, ratio, got in scored:
            out[item_id].append((ratio, total - got))
    return out


def item_stats_update(*, actor: Any, session: EvaluationSession) -> dict[str, int]:
    """Compute the session's item statistics, fold them into each item's figures and flag doubtful
    items. Returns {"items": n, "flagged": m, "responses": k}."""
    _may_run(actor, session)
    per_item = session_item_scores(session)
    key = str(session.pk)
    flagged = responses = 0
    with transaction.atomic():
        items = list(Item.objects.select_for_update().filter(pk__in=list(per_item)))
        for item in items:
            pairs = per_item[item.pk]
            facility, discrimination = st.indices([r for r, _t in pairs], [t for _r, t in pairs])
            stats = dict(item.stats or {})
            stats[key] = {
                "n": len(pairs),
                "facility": facility,
                "discrimination": discrimination,
                "number": session.number,
            }
            n, item.facility, item.discrimination = st.combine(stats)
            item.stats, item.stat_responses, item.stat_sessions = stats, n, len(stats)
            item.flagged, item.flag_reason = st.flag(n, item.facility, item.discrimination)
            item.flag_reason = item.flag_reason[:200]
            flagged += int(item.flagged)
            responses += len(pairs)
        Item.objects.bulk_update(items, ["stats", "stat_responses", "stat_sessions", "facility", "discrimination",
                                         "flagged", "flag_reason"])  # fmt: skip
        summary = {"items": len(items), "flagged": flagged, "responses": responses}
        audit_record(actor, "item_stats.updated", session, after={**summary, "session": session.number})
    return summary
