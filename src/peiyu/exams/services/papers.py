"""Sealing, voiding and serving papers (EVL-5): a form is sealed before the exam — its content (the format
on Paper.sealed_content) written SM4-encrypted through the field, its SM3 digest recorded, opening at
the session's theory start — and voided with a reason. The content never enters the audit stream (only
the digest does). `paper_for_candidate` is what the exam page may send to a browser: the items in the
candidate's order with shuffled options and without answers."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.services.access import require
from peiyu.core.actions import dispatch
from peiyu.core.cleaning import clean_reason
from peiyu.core.crypto import sm3_hex
from peiyu.core.errors import Conflict

from ..flows import PAPER_FLOW
from ..models import AssemblyRun, Paper, PaperItem
from ..rules.papers import shuffle_plan
from ..selectors.papers import forget_paper, paper_content

MANAGE = "exam.manage"
HIDDEN = frozenset({"answer", "analysis", "criteria"})  # never sent to a candidate's browser


def sealed_text(paper: Paper) -> str:
    """The form's content as sealed: each item version's content with its position and points."""
    session = paper.session
    rows = []
    for pi in PaperItem.objects.filter(paper=paper).select_related("item", "version").order_by("position"):
        body = json.loads(pi.version.content)
        rows.append({
            "position": pi.position, "item": pi.item_id, "version": pi.version_id, "type": pi.item.item_type,
            "area": pi.item.area_code, "difficulty": pi.item.difficulty, "points": str(pi.points), **body,
        })  # fmt: skip
    total = sum((Decimal(r["points"]) for r in rows), Decimal(0))
    data = {
        "session": session.number,
        "form": paper.form,
        "kind": paper.kind,
        "total_points": str(total),
        "items": rows,
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def paper_seal(*, actor: Any, paper: Paper) -> Paper:
    """Seal one assembled form (PAPER_FLOW seal)."""
    require(actor, MANAGE, org_id=paper.session.institution_id)
    with transaction.atomic():
        locked = Paper.objects.select_for_update().select_related("session").get(pk=paper.pk)
        if locked.status != Paper.Status.ASSEMBLED:
            raise Conflict("只有已组卷、未封存的试卷可以封存", code="paper_not_assembled")
        text = sealed_text(locked)
        digest = sm3_hex(text.encode())
        locked.sealed_content = text  # SM4 through the field; kept out of the transition's audit event
        locked.save(update_fields=["sealed_content"])
        PAPER_FLOW.transition(
            locked, Paper.Status.SEALED, actor=actor, locked=True,
            changes={"digest": digest, "sealed_at": timezone.now(), "sealed_by": actor,
                     "opens_at": locked.session.theory_starts_at},
        )  # fmt: skip
    return locked


def run_seal(*, actor: Any, run: AssemblyRun) -> list[Paper]:
    """Seal every assembled form of a run."""
    require(actor, MANAGE, org_id=run.session.institution_id)
    papers = list(run.papers.filter(status=Paper.Status.ASSEMBLED).select_related("session"))
    if not papers:
        raise Conflict("本次组卷没有待封存的试卷", code="nothing_to_seal")
    with transaction.atomic():
        return [paper_seal(actor=actor, paper=p) for p in papers]


def paper_void(*, actor: Any, paper: Paper, reason: object) -> Paper:
    """Void a form with a reason (a leak, an error): it is never opened again; a new run may replace it."""
    require(actor, MANAGE, org_id=paper.session.institution_id)
    text = clean_reason(reason, label="作废原因", field="reason")
    with transaction.atomic():
        locked = Paper.objects.select_for_update().defer("sealed_content").get(pk=paper.pk)
        PAPER_FLOW.transition(locked, Paper.Status.VOIDED, actor=actor, reason=text, locked=True,
                              changes={"voided_reason": text})  # fmt: skip
    forget_paper(paper.pk)
    return locked


def _seal(*, actor: Any, paper: Paper, reason: object = "") -> Paper:
    return paper_seal(actor=actor, paper=paper)


PAPER_ACTIONS = {"seal": _seal, "void": paper_void}


def paper_act(*, actor: Any, paper: Paper, action: str, reason: object = "") -> Paper:
    """The page's and the API's one entry for a form's verbs."""
    return dispatch(PAPER_ACTIONS, action, actor=actor, paper=paper, reason=reason)


def paper_for_candidate(paper: Paper, seed: str, now: dt.datetime) -> list[dict[str, Any]]:
    """The form as one candidate sees it (refused before its opening time, like paper_content): each
    item in the candidate's order — `number` (1, 2 …), `position` on the form, `type`, `points`, the
    stem, the options in the shown order, and `perm` (shown option i is the form's option perm[i],
    for rules.papers.to_form_answer) — with no answer, analysis or scoring criteria."""
    content = paper_content(paper, now=now)
    by_position = {int(item["position"]): item for item in content["items"]}
    shown = []
    for number, (position, perm) in enumerate(shuffle_plan(content["items"], seed), start=1):
        item = by_position[position]
        view = {k: v for k, v in item.items() if k not in HIDDEN and k not in ("item", "version")}
        if perm:
            view["options"] = [item["options"][i] for i in perm]
        view.update(number=number, position=position, perm=perm)
        shown.append(view)
    return shown
