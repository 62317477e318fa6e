"""Writes of an institution's application: draft, attachments, submission with the eligibility checks
(SEL-1…6, SEL-11, SEL-12, DIR-3, EVL-9), withdrawal. The review steps are in services.review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.models import Org
from peiyu.accounts.selectors.signups import org_confirmed
from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.catalogs.selectors import subject_in_force
from peiyu.core.attachments import check_upload
from peiyu.core.checks import refuse_failed
from peiyu.core.crypto import decrypt, encrypt
from peiyu.core.errors import Conflict, InvalidInput, RuleViolation
from peiyu.core.models import Decision
from peiyu.core.numbering import reference_number
from peiyu.core.policy import region_prefix

from ..flows import APPLICATION_FLOW
from ..models import Application, Attachment, Call, Kind
from ..rules import eligibility as el
from ..rules.calls import check_call_accepts
from ..rules.forms import FORMS, REQUIRED_ATTACHMENTS, form_key_for, validate_form
from ..selectors.drafts import form_prefill
from .calls import call_policy
from .eligibility import eligibility_checks

S = Application.Status

EDITABLE = (S.DRAFT, S.RETURNED)


def route_for(call: Call, kind: str) -> list[dict[str, Any]]:
    routes = call_policy(call).get("review_routes") or {}
    if kind not in routes:
        raise RuleViolation(f"本申报通知适用的政策配置未设定{Kind(kind).label}的评审路线", rule="SEL-7")
    return routes[kind]


def _subject(programme: str, code: str) -> tuple[str, str]:
    """(code, name) of the occupation (DTE) or trade (skill) applied for."""
    obj = subject_in_force(programme, code)
    if obj is None:
        label = "工种" if programme == "skill" else "职业"
        raise InvalidInput(
            f"{label}编码 {code} 不存在或已停用", fields={"occupation_code": [f"{label}不存在"]}
        )
    return obj.code, obj.name


def _institution_of(actor) -> Org:
    org = getattr(actor, "primary_org", None)
    if org is None or org.kind != Org.Kind.INSTITUTION or org.region_id is None:
        raise RuleViolation(
            "只有已登记所在地区的培训评价机构可以申报", code="not_an_institution", rule="SEL-1"
        )
    require(actor, "application.submit", org_id=org.pk)
    if not org_confirmed(org):
        raise RuleViolation(
            "本机构的注册尚待所在地人社部门确认，确认后方可申报", code="org_not_confirmed", rule="SEL-1"
        )
    return org


def _protect_personal(
    key: str, form: dict[str, Any], previous: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Personal fields (the legal representative's ID number) are kept encrypted in the form JSON."""
    out = dict(form)
    for f in FORMS[key].fields():
        if f.personal and out.get(f.key):
            out[f.key] = encrypt(str(out[f.key]))
        elif f.personal and previous and previous.get(f.key) and f.key not in form:
            out[f.key] = previous[f.key]
    return out


def form_plain(application: Application) -> dict[str, Any]:
    """The form with personal fields decrypted (for validation and for full views that are audited)."""
    key = form_key_for(application.call.programme, application.kind)
    out = dict(application.form)
    for f in FORMS[key].fields():
        if f.personal and out.get(f.key):
            out[f.key] = decrypt(out[f.key])
    return out


@transaction.atomic
def application_create(
    *,
    actor,
    call: Call,
    kind: str,
    occupation_code: str,
    levels: list[str],
    institution_type: str = "general",
    channel: str = Application.Channel.TERRITORIAL,
    recommender: Org | None = None,
    form: dict[str, Any] | None = None,
) -> Application:
    """A draft form for one occupation (SEL-4)."""
    institution = _institution_of(actor)
    region_code = institution.region_id or ""  # an institution has one (_institution_of)
    accepts = check_call_accepts(
        status=call.status,
        status_label=str(call.get_status_display()),
        opens_on=call.opens_on,
        deadline=call.deadline,
        today=timezone.localdate(),
        source=call.source,
    )
    refuse_failed([accepts], code="call_not_open")
    errors: dict[str, list[str]] = {}
    if kind not in call.kinds:
        errors["kind"] = ["本申报通知不受理该类机构"]
    if occupation_code not in call.occupation_codes:
        errors["occupation_code"] = ["本申报通知不含该职业（工种）"]
    if call.region_id and not region_code.startswith(region_prefix(call.region_id)):
        errors["call"] = ["本机构不在该申报通知的地区范围内"]
    if call.programme == "skill" and institution_type not in ("employer", "social_organisation"):
        errors["institution_type"] = ["请选择评价机构类型：用人单位或社评组织"]
    if call.programme != "skill":
        institution_type = "general"
    if errors:
        raise InvalidInput("申报信息有误", fields=errors)
    code, name = _subject(call.programme, occupation_code)
    check = el.check_levels(levels=list(levels or []), allowed=call.levels)
    if not check.ok:
        raise InvalidInput(check.message, fields={"levels": [check.message]}, rule="SEL-4")
    route = route_for(call, kind)
    recommender = _recommender_for(route[0], institution, channel, recommender)
    key = form_key_for(call.programme, kind)
    # the draft starts with what the platform knows (organisation record, previous answers); given wins
    form = {**form_prefill(institution, call, kind, call.levels), **(form or {})}
    clean = validate_form(key, _with_scope(form, name, levels), levels=call.levels, partial=True)
    policy = call_policy(call)
    app = Application.objects.create(
        number=reference_number("SQ", Application),
        call=call,
        institution=institution,
        kind=kind,
        institution_type=institution_type,
        occupation_code=code,
        occupation_name=name,
        levels=[lv for lv in call.levels if lv in levels],
        region_id=region_code,
        channel=channel,
        recommender=recommender,
        form=_protect_personal(key, clean),
        route=route,
        step=route[0]["step"],
        created_by=actor,
        **policy.stamp(),
    )
    APPLICATION_FLOW.created(app, actor=actor, after={"call": call.code, "kind": kind, "occupation": code})
    return app


def _with_scope(form: dict[str, Any], name: str, levels: list[str]) -> dict[str, Any]:
    return {**form, "occupation": name, "levels": list(levels)}


def _recommender_for(first_step: dict, institution: Org, channel: str, chosen: Org | None) -> Org | None:
    """The body that acts first: the HRSS body over the institution's region (territorial), or the
    industry authority the institution chose (SEL-7: recommended by the province or by its authority)."""
    kinds = first_step["org_kinds"]
    if channel == Application.Channel.INDUSTRY:
        if "industry_authority" not in kinds:
            raise InvalidInput("本类申报不经行业主管部门推荐", fields={"channel": ["请选择属地推荐"]})
        if chosen is None or chosen.kind != Org.Kind.INDUSTRY_AUTHORITY or not chosen.is_active:
            raise InvalidInput("请选择推荐的行业主管部门", fields={"recommender": ["请选择行业主管部门"]})
        return chosen
    region = institution.region_id or ""
    candidates = Org.objects.filter(kind__in=[k for k in kinds if k != "industry_authority"], is_active=True)
    for org in candidates.select_related("region"):
        if org.region_id and region.startswith(region_prefix(org.region_id)):
            return org
    if "coordination_group" in kinds:
        return Org.objects.filter(kind=Org.Kind.COORDINATION_GROUP, is_active=True).first()
    return None


@transaction.atomic
def application_update(
    *, actor, application: Application, form: dict[str, Any] | None = None, levels: list[str] | None = None
) -> Application:
    app = Application.objects.select_for_update().get(pk=application.pk)
    require(actor, "application.submit", org_id=app.institution_id)
    if app.status not in EDITABLE:
        raise Conflict("申报已提交，不能修改", code="application_not_editable")
    call = app.call
    key = form_key_for(call.programme, app.kind)
    if levels is not None:
        check = el.check_levels(levels=list(levels), allowed=call.levels)
        if not check.ok:
            raise InvalidInput(check.message, fields={"levels": [check.message]}, rule="SEL-4")
        app.levels = [lv for lv in call.levels if lv in levels]
    merged = {**form_plain(app), **(form or {})}
    clean = validate_form(
        key, _with_scope(merged, app.occupation_name, app.levels), levels=call.levels, partial=True
    )
    before = {"levels": application.levels}
    app.form = _protect_personal(key, clean)
    app.save(update_fields=["form", "levels", "updated_at"])
    audit_record(
        actor,
        "application.updated",
        app,
        before=before,
        after={"levels": app.levels, "fields": sorted(form or {})},
    )
    return app


@transaction.atomic
def attachment_add(*, actor, application: Application, purpose: str, uploaded) -> Attachment:
    app = Application.objects.select_for_update().get(pk=application.pk)
    require(actor, "application.submit", org_id=app.institution_id)
    if app.status not in EDITABLE:
        raise Conflict("申报已提交，不能修改材料", code="application_not_editable")
    if purpose not in Attachment.Purpose.values:
        raise InvalidInput("材料类型无效", fields={"purpose": ["材料类型无效"]})
    if uploaded is None:
        raise InvalidInput("请选择文件", fields={"file": ["请选择文件"]})
    att = attachment_store(actor=actor, purpose=purpose, uploaded=uploaded, name=app.number, application=app)
    audit_record(
        actor,
        "application.attachment_added",
        app,
        after={"purpose": purpose, "sha256": att.sha256, "size": att.size},
    )
    return att


def attachment_store(*, actor, purpose: str, uploaded, name: str, **owner) -> Attachment:
    """Check the upload (type by content, size, SHA-256) and store it for its owner (an application or a
    renewal); the caller holds the owner's lock and writes the audit event."""
    facts = check_upload(uploaded)
    att = Attachment(
        purpose=purpose,
        original_name=facts.name,
        content_type=facts.content_type,
        size=facts.size,
        sha256=facts.sha256,
        uploaded_by=actor,
        **owner,
    )
    ext = "." + facts.name.rsplit(".", 1)[-1].lower() if "." in facts.name else ""
    att.file.save(f"{name}-{facts.sha256[:12]}{ext}", uploaded, save=False)
    att.save()
    return att


@transaction.atomic
def attachment_remove(*, actor, attachment: Attachment) -> None:
    assert attachment.application_id is not None  # an application's attachment (renewals have theirs)
    app = Application.objects.select_for_update().get(pk=attachment.application_id)
    require(actor, "application.submit", org_id=app.institution_id)
    if app.status not in EDITABLE:
        raise Conflict("申报已提交，不能修改材料", code="application_not_editable")
    Attachment.objects.filter(pk=attachment.pk).update(removed_at=timezone.now())
    audit_record(
        actor,
        "application.attachment_removed",
        app,
        before={"purpose": attachment.purpose, "sha256": attachment.sha256},
    )


def application_decision(app: Application, kind: str, outcome: str, checks: list, **extra) -> Decision:
    """The application's stored Decision under its call's policy (eligibility, review steps, overrides)."""
    return Decision.record(
        "institutions.application",
        app.pk,
        kind=kind,
        outcome=outcome,
        checks=checks,
        policy=call_policy(app.call),
        **extra,
    )


def application_submit(
    *, actor, application: Application, commitment_confirmed: bool, signatory: str = ""
) -> Application:
    """Submit (draft → in review; returned → back to the step that returned it). Blocking failures
    refuse the submission and are stored; other failures are stored and flagged for the reviewers."""
    with transaction.atomic():
        app = (
            Application.objects.select_for_update()
            .select_related("call", "institution")
            .get(pk=application.pk)
        )
        require(actor, "application.submit", org_id=app.institution_id)
        if app.status not in EDITABLE:
            raise Conflict("申报已提交", code="application_not_editable")
        call = app.call
        key = form_key_for(call.programme, app.kind)
        errors: dict[str, list[str]] = {}
        signatory = (signatory or app.form.get("commitment_signatory") or "").strip()
        if not commitment_confirmed:
            errors["commitment"] = ["请阅读并确认承诺：" + "本单位提交的所有材料均真实、准确、可靠"]
        if not signatory:
            errors["commitment_signatory"] = ["请填写承诺的法定代表人（或委托代理人）"]
        try:
            plain = {**form_plain(app), "commitment_signatory": signatory}
            clean = validate_form(
                key, _with_scope(plain, app.occupation_name, app.levels), levels=call.levels
            )
        except InvalidInput as exc:
            errors.update(exc.fields)
            clean = {}
        have = set(app.attachments.filter(removed_at__isnull=True).values_list("purpose", flat=True))
        missing = [p for p in REQUIRED_ATTACHMENTS[key] if p not in have]
        if missing:
            errors["attachments"] = [
                "请上传：" + "、".join(str(Attachment.Purpose(p).label) for p in missing)
            ]
        if clean and clean.get("uscc") and app.institution.uscc and clean["uscc"] != app.institution.uscc:
            errors["uscc"] = ["统一社会信用代码与本机构登记的不一致"]
        if errors:
            raise InvalidInput(
                "申报材料不完整，请按提示补充", code="form_invalid", fields=errors, rule="SEL-12"
            )
        app.form = _protect_personal(key, clean)
        today = timezone.localdate()
        checks = eligibility_checks(app, today)
        blocking = [c for c in checks if not c.ok and c.blocking]
        if blocking:
            decision = application_decision(app, "eligibility", "refused", checks)
            refused = decision.pk
        else:
            refused = None
    if refused:
        # the refusal is kept (its own transaction above committed) so the institution can show why
        refuse_failed(
            blocking,
            code="application_ineligible",
            lead="不符合申报条件：",
            details={"decision": refused, "checks": [c.as_dict() for c in checks]},
        )
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=application.pk)
        if app.status not in EDITABLE:
            raise Conflict("申报已提交", code="application_not_editable")
        soft = sorted({c.rule for c in checks if not c.ok})
        decision = application_decision(app, "eligibility", "flagged" if soft else "passed", checks)
        resubmission = app.status == S.RETURNED
        route = app.route or route_for(call, app.kind)
        index = app.step_index if resubmission else 0
        app.form = _protect_personal(key, clean)
        app.save(update_fields=["form"])
        APPLICATION_FLOW.transition(
            app,
            S.IN_REVIEW,
            locked=True,
            actor=actor,
            reason="重新提交" if resubmission else "提交申报",
            changes={
                "submitted_at": timezone.now(),
                "commitment_signatory": signatory,
                "commitment_confirmed_at": timezone.now(),
                "eligibility": decision,
                "checks_failed": soft,
                "checks_overridden": [r for r in app.checks_overridden if r in soft] if resubmission else [],
                "route": route,
                "step_index": index,
                "step": route[index]["step"],
                "step_due": step_due(call, route[index]),
                "return_comment": app.return_comment if resubmission else "",
            },
        )
        from ..models import ReviewAction

        ReviewAction.objects.create(
            application=app,
            step="submission",
            step_label="提交申报" if not resubmission else "重新提交",
            outcome=ReviewAction.Outcome.RESUBMIT if resubmission else ReviewAction.Outcome.PASS,
            org=app.institution,
            actor=actor,
            decision=decision,
        )
    return app


def step_due(call: Call, step: dict) -> dt.date | None:
    """The deadline the call sets for a step; a recommending step is due by the call's deadline."""
    raw = (call.step_deadlines or {}).get(step["step"])
    if raw:
        return dt.date.fromisoformat(raw)
    return call.deadline if step.get("action") == "recommend" else None


@transaction.atomic
def application_withdraw(*, actor, application: Application, reason: str) -> Application:
    require(actor, "application.submit", org_id=application.institution_id)
    if not reason.strip():
        raise InvalidInput("请填写撤回原因", fields={"reason": ["请填写撤回原因"]})
    APPLICATION_FLOW.transition(application, S.WITHDRAWN, actor=actor, reason=reason)
    return application
