"""Where each check of the directory comes from, per programme: the seed and article a check cites as
its `source`. One rule id can rest on different documents — a DTE application's duplicate check on the
national measures (000), a Chengdu filing's on the Chengdu measures (001) — so a check names its article
through this table and never borrows another jurisdiction's (a Chengdu check never cites the Liaoning
call, 004). Keys are the checks, not the rule ids: SEL-6 covers a call's deadline, its exclusions and
the quotas, each with its own article."""

from __future__ import annotations

# check → programme → article. "dte" is the digital-technology-engineer programme (000, with the
# Liaoning call 004 for what that call sets); "skill" is Chengdu's skill-level filing (001).
ARTICLES: dict[str, dict[str, str]] = {
    "credit": {"dte": "000 第六条（一）", "skill": "001 第九条（一）"},
    "deadline": {"dte": "004 五（三）", "skill": "001 第七条"},
    "levels": {"dte": "004 五（二）；附件注5", "skill": "001 第十一条（二）"},
    "excluded": {"dte": "004 一（三）", "skill": "001 第八条"},
    "duplicate": {"dte": "000 第七条（二）", "skill": "001 第七条"},
    "reapply_ban": {"dte": "000 第九条"},  # DIR-3: DTE only; Chengdu sets no ban (001 第十四条)
    "conflict": {"dte": "000 第十八条", "skill": "001 第二十四条"},
    "quota": {"dte": "004 一（三）", "skill": "001 第八条"},
    "expert_review": {"dte": "000 第七条（三）", "skill": "001 第七条"},  # Chengdu: the technical review
    "notice": {"dte": "000 第七条（四）", "skill": "001 第七条"},
    "objection": {"dte": "000 第七条（四）（五）", "skill": "001 第七条"},
}


def article(check: str, programme: str) -> str:
    """The article `check` rests on in `programme`; a programme the table does not name gets the DTE
    article (the national measures are the default source)."""
    by_programme = ARTICLES[check]
    return by_programme.get(programme) or by_programme["dte"]
