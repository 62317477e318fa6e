"""Public notice (公示, SEL-7, SEL-10) and objections, and the Chengdu filing step.

A notice lasts the profile's `publicity_working_days` (or the call's, where the profile leaves it to the
city) counted in PRC working days; the profile's `notice_counts_publication_day` says whether the day of
publication is the first of them (shipped profiles: no, counting starts the day after). A period that
runs into a year without official holiday data is counted on weekends only, and the publishing official
is told so. Anyone may object while it runs and gets a tracking number. When it ends (`peiyu tick`), each
application without an open objection goes on (to filing, or into the catalog); one with an open
objection is held — a stored decision — until the objection is decided, itself a stored decision."""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import re

from django.db import transaction
from django.utils import timezone

from peiyu.core.calendar import add_working_days, is_working_day, period_warning
from peiyu.core.checks import Check, rule_message
from peiyu.core.cleaning import clean_text, collect
from peiyu.core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from peiyu.core.identifiers import mask_phone
from peiyu.core.numbering import reference_number

from ..flows import APPLICATION_FLOW, OBJECTION_FLOW, PUBLIC_NOTICE_FLOW
from ..models import Application, Call, Objection, PublicNotice, ReviewAction
from ..rules import notices as rules
from ..rules.sources import article
from .applications import application_decision
from .calls import call_policy
from .review import _advance, _locked, _record, actor_may_act, require_step

S = Application.Status
A = ReviewAction.Outcome
logger = logging.getLogger("peiyu.institutions.notices")

NAME_MAX = 64  # Objection.name
CONTACT_MAX = 100
TEXT_MIN, TEXT_MAX = 10, 5000
TITLE_MAX = 200  # PublicNotice.title
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,18}[0-9]$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def notice_days(call: Call) -> tuple[int, str]:
    """(working days, rule) — the call's figure where the profile leaves it to the city (SEL-10)."""
    policy = call_policy(call)
    rule = policy.rule("publicity_working_days")
    if call.publicity_working_days:
        return call.publicity_working_days, rule
    days = policy.get("publicity_working_days")
    if not days:
        raise RuleViolation(
            f"{policy.title or '政策配置'}未规定公示期，请在申报通知中设定公示工作日数",
            code="publicity_days_missing",
            rule=rule,
        )
    return days, rule


def _notice_rule(call: Call) -> str:
    """SEL-7 for the DTE notice, SEL-10 for the Chengdu one: the rule the profile cites for its days."""
    return call_policy(call).rule("publicity_working_days")


def period_end(published: dt.date, days: int, *, counts_publication_day: bool) -> dt.date:
    """The last day of a notice of `days` working days published on `published`: the day of publication
    is the first of them only where the profile counts it and it is a working day itself."""
    if counts_publication_day and days > 0 and is_working_day(published):
        return add_working_days(published, days - 1)
    return add_working_days(published, days)


def notice_period(call: Call, on: dt.date | None = None) -> dict:
    """What a notice of this call published on `on` (today) would run: shown before publishing, and the
    figures publishing stores. `calendar_warning` is non-empty when the period runs into a year without
    official holiday data (counted on weekends only). Raises RuleViolation where neither the profile nor
    the call sets the days (SEL-10), PolicyMissing where the profile does not say whether the day of
    publication counts."""
    days, rule = notice_days(call)
    counts = bool(call_policy(call)["notice_counts_publication_day"])
    starts = on or timezone.localdate()
    ends = period_end(starts, days, counts_publication_day=counts)
    return {
        "days": days,
        "rule": rule,
        "starts_on": starts,
        "ends_on": ends,
        "counts_publication_day": counts,
        "text": rules.period_text(starts_on=starts, ends_on=ends, days=days, counts_publication_day=counts),
        "calendar_warning": period_warning(starts, ends),
    }


def notice_period_text(notice: PublicNotice) -> str:
    """A published notice's period as stored: from the day of publication to its last day."""
    return rules.period_text(
        starts_on=notice.starts_on,
        ends_on=notice.ends_on,
        days=notice.working_days,
        counts_publication_day=notice.counts_publication_day,
    )


def notice_calendar_warning(notice: PublicNotice) -> str:
    """The holiday-data warning for a notice's period ("" when every year it touches has official data)."""
    return period_warning(notice.starts_on, notice.ends_on)


def notice_publish(
    *, actor, applications: list[Application], title: str = "", on: dt.date | None = None
) -> PublicNotice:
    """Publish a batch of applications that have reached the notice step of their route."""
    if not applications:
        raise InvalidInput("请选择要公示的申报", fields={"applications": ["请选择要公示的申报"]})
    if len(title.strip()) > TITLE_MAX:
        raise InvalidInput(f"公示标题不超过{TITLE_MAX}字", fields={"title": [f"公示标题不超过{TITLE_MAX}字"]})
    today = on or timezone.localdate()
    unique = {a.pk: a for a in applications}  # the same application twice would fail its second transition
    with transaction.atomic():
        locked = [_locked(unique[pk]) for pk in sorted(unique)]
        call = locked[0].call
        if any(a.call_id != call.pk for a in locked):
            raise InvalidInput(
                "一次公示只能包含同一申报通知的申报", fields={"applications": ["申报通知不一致"]}
            )
        steps = [require_step(actor, a, actions={"notice"}) for a in locked]
        period = notice_period(call, today)
        days, rule, ends = period["days"], period["rule"], period["ends_on"]
        checks = [
            Check(
                rule,
                True,
                f"公示 {days} 个工作日：{period['text']}",
                {
                    "days": days,
                    "published": today.isoformat(),
                    "ends_on": ends.isoformat(),
                    "first_day_working": is_working_day(today),
                    "counts_publication_day": period["counts_publication_day"],
                    "calendar_warning": period["calendar_warning"],
                },
                article("notice", call.programme),
            )
        ]
        org = actor.primary_org
        notice = PublicNotice.objects.create(
            number=reference_number("GS", PublicNotice),
            title=title.strip() or f"{call.title}拟纳入目录机构名单公示",
            call=call,
            publisher=org,
            region=org.region,
            starts_on=today,
            ends_on=ends,
            working_days=days,
            counts_publication_day=period["counts_publication_day"],
            decision=application_decision(locked[0], "notice", "published", checks),
            published_by=actor,
        )
        for app, step in zip(locked, steps, strict=True):
            _record(app, step, A.NOTICE, actor, notice.number, decision=notice.decision)
            APPLICATION_FLOW.transition(
                app,
                S.IN_NOTICE,
                actor=actor,
                reason=f"公示 {notice.number}",
                changes={"notice": notice},
                locked=True,
            )
        PUBLIC_NOTICE_FLOW.created(
            notice,
            actor=actor,
            after={"applications": [a.number for a in locked], "ends_on": ends.isoformat()},
        )
    return notice


def objection_submit(
    *, notice: PublicNotice, application_id: int, name: str, contact: str, text: str
) -> Objection:
    """Anyone (no account) may object while the notice runs; the answer is a tracking number."""
    contact, text = _contact_clean(contact), (text or "").strip()
    errors: dict[str, list[str]] = {}
    name = (
        collect(
            errors, "name", clean_text, name, max_length=NAME_MAX, required=True, label="异议人姓名或单位"
        )
        or ""
    )
    if not contact:
        errors["contact"] = ["请填写联系方式，以便反馈处理结果"]
    elif len(contact) > CONTACT_MAX or not (_PHONE.match(contact) or _EMAIL.match(contact)):
        # stored as typed and matched exactly on lookup, so it is refused rather than cut short
        errors["contact"] = ["请填写有效的电话号码或电子邮箱"]
    if len(text) < TEXT_MIN:
        errors["text"] = [f"请写明异议的事实和理由（不少于{TEXT_MIN}字）"]
    elif len(text) > TEXT_MAX:
        errors["text"] = [f"异议内容不超过{TEXT_MAX}字"]
    if not str(application_id or "").strip():
        errors["application"] = ["请选择公示名单中的机构"]
    if errors:
        raise InvalidInput("异议信息不完整，请按提示修改", fields=errors)
    today = timezone.localdate()
    with transaction.atomic():
        notice = PublicNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.status != PublicNotice.Status.OPEN or not (notice.starts_on <= today <= notice.ends_on):
            raise Conflict("公示期已结束，不再受理异议", code="notice_closed", rule=_notice_rule(notice.call))
        try:
            app = notice.applications.get(pk=int(application_id), status=S.IN_NOTICE)
        except (Application.DoesNotExist, ValueError, TypeError) as exc:
            raise InvalidInput(
                "请选择公示名单中的机构", fields={"application": ["请选择公示名单中的机构"]}
            ) from exc
        objection = Objection.objects.create(
            tracking_no=reference_number("YY", Objection, "tracking_no"),
            notice=notice,
            application=app,
            name=name,
            contact=contact,
            text=text,
        )
        OBJECTION_FLOW.created(
            objection, actor=None, after={"notice": notice.number, "application": app.number}
        )
    return objection


def _contact_clean(contact: str | None) -> str:
    return " ".join((contact or "").split())


def objection_lookup(*, tracking_no: str, contact: str) -> Objection:
    """The objector follows the objection with its number and the contact given (nothing else is shown)."""
    number = (tracking_no or "").strip().upper()
    given = _contact_clean(contact).casefold()
    obj = (
        Objection.objects.select_related("notice", "application").filter(tracking_no=number).first()
        if number
        else None
    )
    # one answer for both failures, and a constant-time comparison: neither tells a guesser which part was right
    if (
        obj is None
        or not given
        or not hmac.compare_digest(_contact_clean(obj.contact).casefold().encode(), given.encode())
    ):
        raise NotFound("未找到该受理编号，或联系方式不一致")
    return obj


def objection_contact_masked(obj: Objection) -> str:
    return mask_phone(obj.contact) if obj.contact.isdigit() else obj.contact[:2] + "***"


def objection_resolve(*, actor, objection: Objection, upheld: bool, resolution: str) -> Objection:
    """The publishing body decides an objection; upheld → the application is rejected; dismissed → it goes
    on once no other objection is open and the notice has ended."""
    if not resolution.strip():
        raise InvalidInput("请填写处理结果", fields={"resolution": ["请填写处理结果"]})
    with transaction.atomic():
        obj = Objection.objects.select_for_update().select_related("notice").get(pk=objection.pk)
        app = _locked(obj.application)
        notice_step = next(s for s in app.route if s["action"] == "notice")
        if not actor_may_act(actor, app, notice_step):
            raise NotFound()
        if obj.status != Objection.Status.OPEN:
            raise Conflict("该异议已处理", code="objection_resolved")
        OBJECTION_FLOW.transition(
            obj,
            Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED,
            actor=actor,
            reason=resolution,
            changes={
                "resolution": resolution.strip(),
                "resolved_by": actor,
                "resolved_at": timezone.now(),
                "updated_at": timezone.now(),
            },
            locked=True,
        )
        decided = rules.objection_decided(
            rule=_notice_rule(app.call),
            programme=app.call.programme,
            tracking_no=obj.tracking_no,
            upheld=upheld,
            resolution=resolution.strip(),
        )
        decision = application_decision(app, "objection", "upheld" if upheld else "dismissed", [decided])
        if upheld and app.status in (S.IN_NOTICE, S.HELD):
            _record(
                app,
                notice_step,
                A.REJECT,
                actor,
                f"异议 {obj.tracking_no} 成立：{resolution}",
                decision=decision,
            )
            APPLICATION_FLOW.transition(
                app,
                S.REJECTED,
                actor=actor,
                reason=f"异议成立：{resolution}",
                changes={"reject_reason": resolution},
                locked=True,
            )
        elif app.status == S.HELD and not app.objections.filter(status=Objection.Status.OPEN).exists():
            _after_notice(app, actor, f"异议 {obj.tracking_no} 不成立，公示无异议")
    return obj


def _after_notice(app: Application, actor, reason: str) -> None:
    facts = {"notice": app.notice.number if app.notice else None}
    decision = application_decision(
        app,
        "notice_result",
        "no_objection",
        [Check(_notice_rule(app.call), True, reason, facts, article("objection", app.call.programme))],
    )
    notice_step = next(s for s in app.route if s["action"] == "notice")
    _record(app, notice_step, A.PASS, actor, reason, decision=decision)
    _advance(app, actor, reason=reason)


def _hold(app: Application, notice: PublicNotice, objections: list[str]) -> None:
    """The notice ended with open objections: the application is held, with a stored decision citing
    the notice's rule (SEL-7; Chengdu SEL-10), until every objection is decided."""
    check = rules.held_for_objection(
        rule=_notice_rule(app.call),
        programme=app.call.programme,
        notice=notice.number,
        ends_on=notice.ends_on,
        objections=objections,
    )
    decision = application_decision(app, "notice_result", "held", [check])
    notice_step = next(s for s in app.route if s["action"] == "notice")
    _record(app, notice_step, A.HOLD, None, check.message, decision=decision)
    APPLICATION_FLOW.transition(app, S.HELD, actor=None, reason=check.message, locked=True)


def notices_end_due(today: dt.date) -> int:
    """Close every notice whose last day has passed; go on or hold each application (idempotent).
    Each notice is one transaction: a notice that fails (say, a listing that cannot be created) stays
    open and is retried at the next tick, and does not stop the other notices from ending."""
    changed = 0
    due = list(
        PublicNotice.objects.filter(status=PublicNotice.Status.OPEN, ends_on__lt=today)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in due:
        try:
            changed += _notice_end(pk)
        except Exception:  # logged; the notice stays open for the next tick
            logger.exception("notice %s could not be ended", pk)
    return changed


def _notice_end(pk: int) -> int:
    changed = 0
    with transaction.atomic():
        notice = PublicNotice.objects.select_for_update().get(pk=pk)
        if notice.status != PublicNotice.Status.OPEN:
            return 0
        for app in notice.applications.filter(status=S.IN_NOTICE).order_by("pk"):
            app = _locked(app)
            open_ones = list(
                app.objections.filter(status=Objection.Status.OPEN)
                .order_by("pk")
                .values_list("tracking_no", flat=True)
            )
            if open_ones:
                _hold(app, notice, open_ones)
            else:
                _after_notice(app, None, f"公示 {notice.number} 期满无异议")
            changed += 1
        PUBLIC_NOTICE_FLOW.transition(
            notice,
            PublicNotice.Status.ENDED,
            actor=None,
            reason=f"公示期满（{notice.ends_on:%Y-%m-%d}）",
            changes={"updated_at": timezone.now()},
            locked=True,
        )
        changed += 1
    return changed


def application_file(*, actor, application: Application, expected_step: str | None = None) -> Application:
    """Chengdu filing (SEL-10): the city files the institution after the notice — under the quota of
    social organisations per trade (SEL-6) — with a unified filing code and a filing receipt.

    A social organisation beyond the quota is refused, and the refusal is the stored outcome: the
    application is not filed (不通过, with the reason and SEL-6), its decision and review record kept, so the
    institution sees why on its application and its to-do list. The official who tried to file it gets
    the same refusal (RuleViolation `quota_exhausted`) once the refusal is committed."""
    from .review import _quota_check, quota_refusal

    with transaction.atomic():
        app = _locked(application)
        step = require_step(actor, app, actions={"file"}, expected_step=expected_step)
        checks = [Check("SEL-10", True, "备案", {"step": step["step"]}, article("notice", "skill"))]
        quota = _quota_check(app, step)
        if quota is not None:
            checks.append(quota)
        if quota is not None and not quota.ok:
            reason = rule_message(f"不予备案：{quota.message}", [quota.rule])
            decision = application_decision(app, "filing", "refused", checks)
            _record(app, step, A.REJECT, actor, reason, decision=decision)
            APPLICATION_FLOW.transition(
                app, S.REJECTED, actor=actor, reason=reason, changes={"reject_reason": reason}, locked=True
            )
        else:
            decision = application_decision(app, "filing", "filed", checks)
            _record(app, step, A.FILE, actor, "", decision=decision)
            _advance(app, actor, reason="备案")
    if quota is not None and not quota.ok:
        raise quota_refusal(quota)
    return app
