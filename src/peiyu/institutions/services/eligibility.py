"""The eligibility checks of a submission (SEL-1…6, SEL-11, DIR-3, EVL-9): the pure rules of
rules.eligibility fed with facts from the form and the platform (duplicates, reapply bans, the
training/evaluation conflict, integrity flags)."""

from __future__ import annotations

import datetime as dt

from peiyu.accounts.models import Org

from ..models import Application, Kind, Listing
from ..rules import eligibility as el
from ..rules.forms import form_key_for, volume_by_year
from .calls import call_policy

S = Application.Status

# Applications that count as made (a second one for the same scope is a duplicate).
LIVE = (S.IN_REVIEW, S.RETURNED, S.IN_NOTICE, S.HELD, S.APPROVED)


def eligibility_checks(app: Application, today: dt.date) -> list:
    """Every check of the submission, pure rules fed with facts from the form and the platform."""
    call = app.call
    policy = call_policy(call)
    key = form_key_for(call.programme, app.kind)
    form = app.form
    founded = dt.date.fromisoformat(form["founded_on"]) if form.get("founded_on") else None
    programme = call.programme  # each check cites its article in this programme's documents
    checks = [
        el.check_deadline(
            today=today,
            opens_on=call.opens_on,
            deadline=call.deadline,
            published=call.published,
            programme=programme,
            closed=call.status == call.Status.CLOSED,
        ),
        el.check_levels(levels=app.levels, allowed=call.levels, programme=programme),
        el.check_excluded(
            occupation_code=app.occupation_code,
            occupation_name=app.occupation_name,
            kind_label=str(Kind(app.kind).label),
            excluded=(call.excluded_occupations or {}).get(app.kind, []),
            programme=programme,
        ),
        el.check_duplicate(others=_duplicates(app), programme=programme),
    ]
    if "reapply_ban_years" in policy:  # DIR-3 (000 第九条); a profile without the ban has no such check
        checks.append(el.check_reapply_ban(bans=_bans(app), today=today, programme=programme))
    checks.append(
        el.check_training_evaluation_conflict(kind=app.kind, conflicts=_conflicts(app), programme=programme)
    )
    if call.programme == "skill":
        checks.append(
            el.check_chengdu_basic(region_code=app.region_id, city_code=policy.region_code, form=form)
        )
        checks.append(el.check_chengdu_type(institution_type=app.institution_type, form=form))
        checks.append(
            el.check_credit(
                uscc=form.get("uscc", ""),
                dishonest_years=[],
                integrity_flags=integrity_flags(app.institution),
                programme=programme,
            )
        )
    else:
        dishonest = [int(r["year"]) for r in form.get("tax_records", []) if r.get("dishonest")]
        checks.append(
            el.check_credit(
                uscc=form.get("uscc", ""),
                dishonest_years=dishonest,
                integrity_flags=integrity_flags(app.institution),
            )
        )
        volumes = volume_by_year(key, form)
        checks.append(
            el.check_experience(
                founded_on=founded, volumes=volumes, min_years=policy.get("min_experience_years"), today=today
            )
        )
        checks.append(el.check_scale(volumes=volumes, min_scale=policy.get("min_annual_scale")))
        checks.append(el.check_founding(founded_on=founded, cutoff=call.founded_on_or_before))
    return checks


def integrity_flags(org: Org) -> list[str]:
    """Dishonesty recorded on the platform (supervision adds integrity records); a revoked listing counts."""
    revoked = Listing.objects.filter(institution=org, status=Listing.Status.REMOVED).values_list(
        "number", flat=True
    )
    return [f"目录条目 {n} 已被取消（退出目录）" for n in revoked]


def _duplicates(app: Application) -> list[dict]:
    qs = (
        Application.objects.filter(
            call=app.call,
            institution=app.institution,
            occupation_code=app.occupation_code,
            kind=app.kind,
            status__in=LIVE,
        )
        .exclude(pk=app.pk)
        .select_related("recommender")
    )
    return [{"number": o.number, "recommender": o.recommender.name if o.recommender else "—"} for o in qs]


def _bans(app: Application) -> list[dict]:
    qs = Listing.objects.filter(
        institution=app.institution,
        kind=app.kind,
        occupation_code=app.occupation_code,
        status=Listing.Status.FORFEITED,
        reapply_banned_until__isnull=False,
    )
    return [{"listing": lst.number, "until": str(lst.reapply_banned_until)} for lst in qs]


def _related_org_ids(app: Application) -> list[int]:
    """The institution and the subsidiaries, branches and support units it declared (EVL-9)."""
    ids = [app.institution_id]
    usccs = app.form.get("related_usccs") or []
    if usccs:
        ids += list(Org.objects.filter(uscc__in=usccs).values_list("pk", flat=True))
    return ids


def _conflicts(app: Application) -> list[dict]:
    other = Kind.TRAINING if app.kind == Kind.EVALUATION else Kind.EVALUATION
    orgs = _related_org_ids(app)
    out = [
        {"org": lst.institution_name, "ref": f"目录条目 {lst.number}"}
        for lst in Listing.objects.filter(
            institution_id__in=orgs,
            kind=other,
            occupation_code=app.occupation_code,
            status__in=[Listing.Status.ACTIVE, Listing.Status.SUSPENDED],
        )
    ]
    out += [
        {"org": a.institution.name, "ref": f"申报 {a.number}"}
        for a in Application.objects.filter(
            institution_id__in=orgs, kind=other, occupation_code=app.occupation_code, status__in=LIVE
        )
        .exclude(status=S.APPROVED)
        .select_related("institution")
    ]
    return out
