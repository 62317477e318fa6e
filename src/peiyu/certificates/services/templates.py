"""Certificate templates (CRT-2): an institution writes the wording of each kind it issues; activating
it runs the wording check — refused with the rule and each field's error, held for the province's
official when the issuer's own legal name carries a restricted word, else active (the previous active
one of that kind retires). An official accepts or refuses a held template with a reason. Each outcome
is a Decision with the rule id and the policy profile version, and an audit event."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from peiyu.accounts.models import Org
from peiyu.audit.services import audit_record
from peiyu.core.checks import Check, refuse_failed
from peiyu.core.errors import Conflict, InvalidInput, PolicyMissing
from peiyu.core.models import Decision
from peiyu.core.policy import Policy, policy_for

from ..flows import TEMPLATE_FLOW
from ..models import Certificate, CertificateTemplate
from ..rules.templates import DEFAULTS, RULE, SOURCE, Wording, check_wording, restricted_in
from ..selectors.templates import can_decide, can_edit

T = CertificateTemplate.Status
SUBJECT = "certificates.certificatetemplate"
PROGRAMME_OF_KIND = {"skill": "skill", "level": "dte", "training": "training"}
LIMITS = {"title": 60, "seal_text": 60, "body": 400}
WORDING = "wording"  # a certificate's details: the texts it was issued with


def _active(institution_id: int | None, kind: str) -> CertificateTemplate | None:
    return (
        CertificateTemplate.objects.filter(institution_id=institution_id, kind=kind, status=T.ACTIVE)
        .only("title", "body", "seal_text", "decision_id")
        .first()
    )


def wording_for(institution_id: int | None, kind: str) -> Wording:
    """The issuer's active wording of `kind`, else the platform's default of that kind."""
    found = _active(institution_id, kind)
    if found is None:
        return DEFAULTS[kind]
    return Wording(found.title, found.body, found.seal_text)


def wording_of(cert: Certificate) -> Wording:
    """The wording `cert` was issued with (kept in its details at issue); a certificate issued before
    the wording was kept reads its issuer's current one."""
    kept = (cert.details or {}).get(WORDING)
    if isinstance(kept, dict) and kept.get("title"):
        return Wording(str(kept["title"]), str(kept.get("body") or ""), str(kept.get("seal_text") or ""))
    return wording_for(cert.institution_id, cert.kind)


def issuing_wording(institution: Org, kind: str) -> tuple[Wording, Check]:
    """The wording `institution` issues certificates of `kind` with now, and the CRT-2 check an issue
    records. Its active template passed CRT-2 when it was activated, or an official accepted it when it
    was held. The platform's default wording is checked here against the issuer's name, since the seal
    carries that name: an issuer whose legal name uses a restricted word is held as its templates are,
    so it issues only with a template its official has decided on (`failed` and blocking until then)."""
    found = _active(institution.pk, kind)
    if found is not None:
        message = f"证书文字采用本机构已启用的证书样式“{found.title}”"
        facts = {"template": found.pk, "decision": found.decision_id}
        return Wording(found.title, found.body, found.seal_text), Check(RULE, True, message, facts, SOURCE)
    wording = DEFAULTS[kind]
    result = check_wording(wording, institution.name)
    if result.ok:
        return wording, result.check
    words = "”“".join(result.check.facts.get("issuer_words") or restricted_in(institution.name))
    message = (
        f"发证机构名称“{institution.name}”含有“{words}”字样，证书印章须经主管部门决定：请先在“证书样式”中"
        "提交本机构的证书样式，经决定同意后方可发证"
    )
    return wording, Check(
        RULE, False, message, {**result.check.facts, "template": None}, SOURCE, blocking=True
    )


def _policy(institution: Org, kind: str) -> Policy | None:
    for programme in dict.fromkeys([PROGRAMME_OF_KIND.get(kind, kind), "skill", "dte", "training"]):
        try:
            return policy_for(programme, institution.region_id or "")
        except PolicyMissing:
            continue
    return None


def _clean(kind: str, title: str, body: str, seal_text: str) -> dict[str, str]:
    errors: dict[str, list[str]] = {}
    values = {"title": title.strip(), "body": body.strip(), "seal_text": seal_text.strip()}
    if kind not in Certificate.Kind.values:
        errors["kind"] = ["请选择证书类别"]
    if not values["title"]:
        errors["title"] = ["请填写证书名称"]
    for name, limit in LIMITS.items():
        if len(values[name]) > limit:
            errors.setdefault(name, []).append(f"不超过 {limit} 个字")
    if errors:
        raise InvalidInput("请修改标出的内容", fields=errors)
    return values


def template_save(
    *,
    actor: Any,
    institution: Org,
    kind: str,
    title: str,
    body: str = "",
    seal_text: str = "",
    template: CertificateTemplate | None = None,
) -> CertificateTemplate:
    """A new draft, or the edit of a draft (a refused one goes back to draft). An active or held template
    is not edited: write a new one."""
    values = _clean(kind, title, body, seal_text)
    with transaction.atomic():
        if template is None:
            new = CertificateTemplate.objects.create(
                institution=institution,
                kind=kind,
                created_by=actor if getattr(actor, "pk", None) else None,
                **values,
            )
            TEMPLATE_FLOW.created(new, actor=actor, after={"kind": kind, **values})
            return new
        if not can_edit(actor, template):
            raise Http404("证书样式不存在")
        locked = CertificateTemplate.objects.select_for_update().get(pk=template.pk)
        if locked.status not in (T.DRAFT, T.REFUSED):
            raise Conflict("启用或待决定的证书样式不能修改，请新建一份", code="template_not_editable")
        before = {k: getattr(locked, k) for k in values}
        if locked.status == T.REFUSED:
            TEMPLATE_FLOW.transition(
                locked, T.DRAFT, actor=actor, changes=values, locked=True, reason="修改后重新提交"
            )
        else:
            for key, value in values.items():
                setattr(locked, key, value)
            locked.save(update_fields=[*values, "updated_at"])
            audit_record(actor, TEMPLATE_FLOW.audit_action("updated"), locked, before=before, after=values)
        return locked


def template_activate(*, actor: Any, template: CertificateTemplate) -> CertificateTemplate:
    """Run CRT-2 and activate, hold or refuse (module docstring). Refused: RuleViolation naming the
    fields; the decision is kept on the template."""
    if not can_edit(actor, template):
        raise Http404("证书样式不存在")
    refusal: list[Check] = []
    fields: dict[str, list[str]] = {}
    with transaction.atomic():
        locked = (
            CertificateTemplate.objects.select_for_update(of=("self",))
            .select_related("institution")
            .get(pk=template.pk)
        )
        if locked.status != T.DRAFT:
            raise Conflict(
                f"证书样式当前为“{locked.get_status_display()}”，不能启用", code="template_not_draft"
            )
        institution = locked.institution
        result = check_wording(Wording(locked.title, locked.body, locked.seal_text), institution.name)
        outcome = "refused" if result.refused else "held" if result.held else "active"
        decision = Decision.record(
            SUBJECT,
            locked.pk,
            kind="certificate_template",
            outcome=outcome,
            checks=[result.check],
            policy=_policy(institution, locked.kind),
            rules=[RULE],
        )
        facts = {"decision": decision.pk, "outcome": outcome, "rules": decision.rules}
        if result.refused:
            locked.decision = decision
            locked.save(update_fields=["decision", "updated_at"])
            audit_record(actor, TEMPLATE_FLOW.audit_action("refused_by_rule"), locked, after=facts)
            refusal, fields = [result.check], {k: [v] for k, v in result.refused.items()}
        elif result.held:
            TEMPLATE_FLOW.transition(
                locked, T.HELD, actor=actor, locked=True, reason=result.held,
                changes={"decision": decision, "hold_reason": result.held}, audit_extra=facts,
            )  # fmt: skip
        else:
            _retire_active(actor, locked)
            TEMPLATE_FLOW.transition(
                locked, T.ACTIVE, actor=actor, locked=True, changes={"decision": decision}, audit_extra=facts
            )
    if refusal:
        refuse_failed(
            refusal, code="template_wording_refused", fields=fields, details={"decision": decision.pk}
        )
    return locked


def _retire_active(actor: Any, template: CertificateTemplate) -> None:
    for old in CertificateTemplate.objects.select_for_update().filter(
        institution_id=template.institution_id, kind=template.kind, status=T.ACTIVE
    ):
        TEMPLATE_FLOW.transition(old, T.RETIRED, actor=actor, locked=True, reason="启用了新的证书样式")


def template_decide(
    *, actor: Any, template: CertificateTemplate, accept: bool, reason: str
) -> CertificateTemplate:
    """The official's decision on a held template (CRT-2): accepted (it becomes the issuer's active one)
    or refused, with a reason either way."""
    reason = reason.strip()
    if not can_decide(actor, template):
        raise Http404("证书样式不存在")
    if not reason:
        raise InvalidInput("请填写决定理由", fields={"reason": ["请填写决定理由"]})
    with transaction.atomic():
        locked = (
            CertificateTemplate.objects.select_for_update(of=("self",))
            .select_related("institution")
            .get(pk=template.pk)
        )
        if locked.status != T.HELD:
            raise Conflict("该证书样式已有决定", code="template_not_held")
        outcome = "accepted" if accept else "refused"
        decision = Decision.record(
            SUBJECT,
            locked.pk,
            kind="certificate_template_official",
            outcome=outcome,
            checks=[Check(RULE, accept, reason, {"hold_reason": locked.hold_reason}, SOURCE)],
            policy=_policy(locked.institution, locked.kind),
            rules=[RULE],
        )
        changes = {"decision": decision, "decided_by": actor, "decided_at": timezone.now()}
        if accept:
            _retire_active(actor, locked)
        TEMPLATE_FLOW.transition(
            locked, T.ACTIVE if accept else T.REFUSED, actor=actor, reason=reason, locked=True,
            changes=changes, audit_extra={"decision": decision.pk, "outcome": outcome},
        )  # fmt: skip
    return locked
