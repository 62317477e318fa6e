"""Exam sites (EVL-1, EVL-9; seed 000 Art. 11(1), 18; 001 Art. 17(1), 24, 30(12)).

An evaluation institution enters a site with its rooms and photos (services/sites_rooms.py) and reports
it to the HRSS bureau of the site's region: reporting runs the EVL-1 checks with the policy in force and
stores them as a Decision; a failing check refuses the report with its rule. The bureau accepts the site or
returns it with a reason, records inspections, and may withdraw it with a reason (EVL-9). A change to an
accepted site marks it `change_pending`: it hosts no new session until it is reported again and accepted."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.models import Org, Region
from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.actions import dispatch
from peiyu.core.checks import Check, refuse_failed
from peiyu.core.cleaning import REASON_MAX, clean_date, clean_reason, clean_text, collect, person_name, phone
from peiyu.core.errors import Conflict, InvalidInput
from peiyu.core.models import Decision

from ..flows import MANAGE, SITE_FLOW, SUPERVISE
from ..models import ExamSite, SiteInspection
from ..rules import sites as rules
from ..selectors.sites import EDITABLE, SITE_SUBJECT, site_policy

ST = ExamSite.Status
SOURCE_DIR1 = "000 第十八条；001 第二十四条"
RETENTION_DAYS_MAX = 3650


def require_manage(actor: Any, site: ExamSite) -> None:
    require(actor, MANAGE, org_id=site.institution_id)


def require_supervise(actor: Any, site: ExamSite) -> None:
    require(actor, SUPERVISE, region_code=site.region_id)


def _flag(data: dict[str, Any], name: str) -> bool:
    value = data.get(name)
    return value is True or str(value).strip().lower() in ("on", "1", "true", "yes")


def clean_site(data: dict[str, Any], institution: Org) -> dict[str, Any]:
    """The site's fields from a form or API body, every problem named per field in Chinese."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {
        "name": collect(errors, "name", clean_text, data.get("name"), max_length=200, required=True, label="站点名称"),
        "address": collect(errors, "address", clean_text, data.get("address"), max_length=300, required=True,
                           label="地址"),
        "contact_name": collect(errors, "contact_name", person_name, data.get("contact_name"), required=False),
        "contact_phone": collect(errors, "contact_phone", phone, data.get("contact_phone")),
        "video_monitoring": _flag(data, "video_monitoring"),
        "video_recording": _flag(data, "video_recording"),
    }  # fmt: skip
    raw_days = str(data.get("video_retention_days") or "0").strip()
    try:
        days = int(raw_days)
        if not 0 <= days <= RETENTION_DAYS_MAX:
            raise ValueError
        out["video_retention_days"] = days
    except ValueError:
        errors["video_retention_days"] = [f"录像保存天数应为0至{RETENTION_DAYS_MAX}之间的整数"]
    region = str(data.get("region") or institution.region_id or "").strip()
    if not Region.objects.filter(code=region).exists():
        errors["region"] = ["请选择站点所在地区"]
    out["region_id"] = region
    if errors:
        raise InvalidInput("站点信息填写有误", fields=errors)
    return out


def _snapshot(site: ExamSite) -> dict[str, Any]:
    return {
        "name": site.name,
        "address": site.address,
        "region": site.region_id,
        "video": [site.video_monitoring, site.video_recording, site.video_retention_days],
        "status": site.status,
    }


def site_create(*, actor: Any, institution: Org, data: dict[str, Any]) -> ExamSite:
    """Enter a new site (draft) of the institution."""
    require(actor, MANAGE, org_id=institution.pk)
    if institution.kind != Org.Kind.INSTITUTION:
        raise InvalidInput("只有评价机构可以报送考核站点", code="not_an_institution")
    fields = clean_site(data, institution)
    with transaction.atomic():
        site = ExamSite.objects.create(institution=institution, created_by=actor, **fields)
        SITE_FLOW.created(site, actor=actor, after=_snapshot(site))
    return site


def lock_for_change(actor: Any, site: ExamSite) -> ExamSite:
    """The site locked for an edit by its institution: a draft, a returned site, or an accepted one (whose
    change must be reported again); a reported or withdrawn site cannot change."""
    require_manage(actor, site)
    locked = ExamSite.objects.select_for_update().get(pk=site.pk)
    if locked.status not in EDITABLE:
        raise Conflict(
            f"站点当前状态为“{locked.get_status_display()}”，不能修改" + ("（待人社部门受理）" if locked.status == ST.REPORTED else ""),
            code="site_not_editable",
        )  # fmt: skip
    return locked


def mark_changed(actor: Any, locked: ExamSite, event: str, *, before: Any = None, after: Any = None) -> None:
    """Record a change of a locked site: on an accepted site it becomes `change_pending` (EVL-1: a change is
    reported again before the site hosts a new session)."""
    if locked.status == ST.ACCEPTED and not locked.change_pending:
        locked.change_pending = True
        locked.save(update_fields=["change_pending", "updated_at"])
        audit_record(actor, "exam_site.changed", locked, after={"change_pending": True, "by": event})
    audit_record(actor, f"exam_site.{event}", locked, before=before, after=after)


def site_update(*, actor: Any, site: ExamSite, data: dict[str, Any]) -> ExamSite:
    require_manage(actor, site)
    fields = clean_site(data, site.institution)
    with transaction.atomic():
        locked = lock_for_change(actor, site)
        before = _snapshot(locked)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        mark_changed(actor, locked, "updated", before=before, after=_snapshot(locked))
    return locked


# --- reporting ---------------------------------------------------------------------------------------------


def report_checks(site: ExamSite) -> tuple[list[Check], Any]:
    """The EVL-1 checks of the site as it stands, and the policy in force they used."""
    sp = site_policy(site.institution_id, site.region_id, timezone.localdate())
    listed = Check(
        "DIR-1",
        bool(sp.listings),
        "本机构持有有效的评价机构目录条目：" + "、".join(sp.listings) if sp.listings else "本机构没有有效的评价机构目录条目，不能报送考核站点",
        {"listings": sp.listings},
        source=SOURCE_DIR1,
        blocking=True,
    )  # fmt: skip
    if sp.policy is None or sp.spacing_min_cm is None:
        missing = Check(
            "EVL-1",
            False,
            "没有适用于本机构评价项目和站点所在地区的考场标准（政策配置未设定桌距）",
            {"profiles": sp.chain},
            source=rules.SOURCE_EVL1,
            blocking=True,
        )
        return [listed, missing], sp.policy
    rooms = [
        rules.RoomFacts(
            kind=r.kind, name=r.name, seats=r.seats, one_per_desk=r.one_per_desk, desk_spacing_cm=r.desk_spacing_cm,
            equipment=r.equipment, video_monitoring=r.video_monitoring, is_active=r.is_active,
        )
        for r in site.rooms.all()
    ]  # fmt: skip
    checks = rules.site_report_checks(
        rooms=rooms,
        monitoring=site.video_monitoring,
        recording=site.video_recording,
        photos=site.photos.count(),
        spacing_min_cm=sp.spacing_min_cm,
        defence_needed=sp.defence_needed,
        from_level=sp.from_level,
    )
    return [listed, *checks], sp.policy


def site_report(*, actor: Any, site: ExamSite) -> ExamSite:
    """Report the site (or its change) to the bureau of its region. Failing checks refuse it; the refusal is
    kept as the site's last decision so the institution sees each reason with its rule."""
    require_manage(actor, site)
    with transaction.atomic():
        locked = ExamSite.objects.select_for_update().get(pk=site.pk)
        if locked.status not in (ST.DRAFT, ST.RETURNED, ST.ACCEPTED):
            raise Conflict(
                f"站点当前状态为“{locked.get_status_display()}”，不能报送", code="site_not_reportable"
            )
        checks, policy = report_checks(locked)
        refused = [c for c in checks if not c.ok and c.blocking]
        decision = Decision.record(
            SITE_SUBJECT, locked.pk, kind="site_report", outcome="refused" if refused else "reported",
            checks=checks, policy=policy,
        )  # fmt: skip
        facts = {"decision": decision.pk, "outcome": decision.outcome, "rules": decision.rules}
        if refused:
            locked.decision = decision
            locked.save(update_fields=["decision", "updated_at"])
            audit_record(actor, SITE_FLOW.audit_action("refused"), locked, after=facts)
        else:
            SITE_FLOW.transition(
                locked,
                ST.REPORTED,
                actor=actor,
                changes={"decision": decision, "reported_at": timezone.now(), "change_pending": False,
                         "return_reason": ""},
                locked=True,
                audit_extra={**facts, "change": locked.status == ST.ACCEPTED},
            )  # fmt: skip
    if refused:
        refuse_failed(refused, code="site_refused", details={"decision": decision.pk})
    return locked


def site_accept(*, actor: Any, site: ExamSite, reason: str = "") -> ExamSite:
    """The bureau accepts the reported site (EVL-1): from now it may host sessions."""
    require_supervise(actor, site)
    note = clean_text(reason, max_length=REASON_MAX, multiline=True, label="受理意见", field="reason")
    SITE_FLOW.transition(
        site, ST.ACCEPTED, actor=actor, reason=note, expected_from={ST.REPORTED},
        changes={"decided_at": timezone.now(), "decided_by": actor},
    )  # fmt: skip
    return site


def site_return(*, actor: Any, site: ExamSite, reason: str) -> ExamSite:
    """The bureau returns the reported site with its reason; the institution corrects it and reports again."""
    require_supervise(actor, site)
    text = clean_reason(reason, label="退回原因")
    SITE_FLOW.transition(
        site, ST.RETURNED, actor=actor, reason=text, expected_from={ST.REPORTED},
        changes={"decided_at": timezone.now(), "decided_by": actor, "return_reason": text},
    )  # fmt: skip
    return site


def site_withdraw(*, actor: Any, site: ExamSite, reason: str) -> ExamSite:
    """The bureau withdraws an accepted site (EVL-9: an unfit or misused site hosts no session)."""
    require_supervise(actor, site)
    text = clean_reason(reason, label="撤销原因")
    SITE_FLOW.transition(
        site, ST.WITHDRAWN, actor=actor, reason=text, expected_from={ST.ACCEPTED},
        changes={"withdrawn_reason": text, "decided_by": actor, "decided_at": timezone.now()},
        audit_extra={"rules": ["EVL-9"], "source": rules.SOURCE_EVL9},
    )  # fmt: skip
    return site


def _report_change(*, actor: Any, site: ExamSite, reason: str = "") -> ExamSite:
    return site_report(actor=actor, site=site)


def _report(*, actor: Any, site: ExamSite, reason: str = "") -> ExamSite:
    return site_report(actor=actor, site=site)


SITE_ACTIONS = {
    "report": _report,
    "report_change": _report_change,
    "accept": site_accept,
    "return": site_return,
    "withdraw": site_withdraw,
}


def site_act(*, actor: Any, site: ExamSite, action: str, reason: str = "") -> ExamSite:
    """One verb of SITE_FLOW, for the page's buttons and the API's actions route."""
    result: ExamSite = dispatch(SITE_ACTIONS, action, actor=actor, site=site, reason=reason)
    return result


# --- inspections -------------------------------------------------------------------------------------------


def site_inspect(*, actor: Any, site: ExamSite, data: dict[str, Any]) -> SiteInspection:
    """Record an inspection of a site by the bureau (EVL-1, EVL-9)."""
    require_supervise(actor, site)
    errors: dict[str, list[str]] = {}
    on = collect(errors, "inspected_on", clean_date, data.get("inspected_on"), label="检查日期")
    if on is not None and on > timezone.localdate():
        errors["inspected_on"] = ["检查日期不能晚于今天"]
    result = str(data.get("result") or "")
    if result not in SiteInspection.Result.values:
        errors["result"] = ["请选择检查结论"]
    findings = collect(errors, "findings", clean_text, data.get("findings"), max_length=5000, multiline=True)
    if result == SiteInspection.Result.ISSUES and not findings and "findings" not in errors:
        errors["findings"] = ["发现问题时请写明检查情况"]
    org = getattr(actor, "primary_org", None)
    if org is None:
        errors["result"] = [*errors.get("result", []), "您的账号未关联单位，不能登记检查"]
    if errors or on is None or org is None:
        raise InvalidInput("检查记录填写有误", fields=errors)
    with transaction.atomic():
        locked = ExamSite.objects.select_for_update().get(pk=site.pk)
        if locked.status == ST.DRAFT:
            raise Conflict("站点尚未报送，不能登记检查", code="site_not_reported")
        inspection = SiteInspection.objects.create(
            site=locked, inspected_on=on, result=result, findings=findings or "", inspector=actor, org=org
        )
        audit_record(
            actor, "exam_site.inspected", locked,
            after={"inspection": inspection.pk, "on": str(on), "result": result, "findings": findings or ""},
        )  # fmt: skip
    return inspection
