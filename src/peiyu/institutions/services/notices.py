"""Public notice (公示, SEL-7, SEL-10) and objections, and the Chengdu filing step.

A notice lasts the profile's `publicity_working_days` (or the call's, where the profile leaves it to the
city) counted in PRC working days from the day after publication. Anyone may object while it runs and
gets a tracking number. When it ends (`peiyu tick`), each application without an open objection goes on
(to filing, or into the catalog); one with an open objection is held until the objection is resolved."""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import re

from django.db import transaction
from django.utils import timezone

from peiyu.core.calendar import add_working_days, is_working_day
from peiyu.core.checks import Check
from peiyu.core.cleaning import clean_text, collect
from peiyu.core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from peiyu.core.identifiers import mask_phone
from peiyu.core.numbering import reference_number

from ..flows import APPLICATION_FLOW, OBJECTION_FLOW, PUBLIC_NOTICE_FLOW
from ..models import Application, Call, Objection, PublicNotice, ReviewAction
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
            f"政策配置 {policy.name} 未规定公示期，请在申报通知中设定公示工作日数",
            code="publicity_days_missing",
            rule=rule,
        )
    return days, rule


def _notice_rule(call: Call) -> str:
    """SEL-7 for the DTE notice, SEL-10 for the Chengdu one: the rule the profile cites for its days."""
    return call_policy(call).rule("publicity_working_days")


def notice_period(call: Call, on: dt.date | None = None) -> dict:
    """What a notice of this call published on `on` (today) would run: shown before publishing.
    Raises RuleViolation where neither the profile nor the call sets the days (SEL-10)."""
    days, rule = notice_days(call)
    starts = on or timezone.localdate()
    return {"days": days, "rule": rule, "starts_on": starts, "ends_on": add_working_days(starts, days)}


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
        days, rule = notice_days(call)
        ends = add_working_days(today, days)
        checks = [
            Check(
                rule,
                True,
                f"公示 {days} 个工作日，{today:%Y-%m-%d} 发布，{ends:%Y-%m-%d} 截止",
                {
                    "days": days,
                    "published": today.isoformat(),
                    "ends_on": ends.isoformat(),
                    "first_day_working": is_working_day(today),
                },
                "000 第七条（四）；001 第七条",
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
        if upheld and app.status in (S.IN_NOTICE, S.HELD):
            checks = [
                Check(_notice_rule(app.call), False, resolution.strip(), {"objection": obj.tracking_no})
            ]
            decision = application_decision(app, "objection", "upheld", checks)
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
        app, "notice_result", "no_objection", [Check(_notice_rule(app.call), True, reason, facts)]
    )
    notice_step = next(s for s in app.route if s["action"] == "notice")
    _record(app, notice_step, A.PASS, actor, reason, decision=decision)
    _advance(app, actor, reason=reason)


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
            if app.objections.filter(status=Objection.Status.OPEN).exists():
                APPLICATION_FLOW.transition(
                    app, S.HELD, actor=None, reason="公示期内有异议，待处理", locked=True
                )
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
    social organisations per trade (SEL-6) — with a unified filing code and a filing receipt."""
    from .review import _enforce_quota

    with transaction.atomic():
        app = _locked(application)
        step = require_step(actor, app, actions={"file"}, expected_step=expected_step)
        checks = [Check("SEL-10", True, "备案", {"step": step["step"]}, "001 第七条")]
        quota = _enforce_quota(app, step)
        if quota:
            checks.append(quota)
        decision = application_decision(app, "filing", "filed", checks)
        _record(app, step, A.FILE, actor, "", decision=decision)
        _advance(app, actor, reason="备案")
    return app
