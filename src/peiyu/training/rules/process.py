"""TRN-12: Fujian's supervision of a training project by its certificate type (002 三). Pure: the steps
are computed from facts the selectors gather, never from the database.

- 合格证类 (qualification): 开班申请 → 过程检查 → 结业考核 → 学员评价;
- 职业资格证、职业技能等级证和专项能力证书类 (certificate): 培训计划申报（含承诺） → 证书核对 → 学员评价;
- 行业急需紧缺技能人才培训 (industry): 培训计划申报（含承诺） → 证书核对, supervised by the industry
  authority that leads the project."""

from __future__ import annotations

from dataclasses import dataclass

from peiyu.core.checks import Check

RULE = "TRN-12"
SOURCE = "002 三"

QUALIFICATION, CERTIFICATE, INDUSTRY = "qualification", "certificate", "industry"

# which inspection kind (models.Inspection.Kind) each certificate type's process has
INSPECTION_KINDS = {QUALIFICATION: ("process",), CERTIFICATE: ("certificate",), INDUSTRY: ("certificate",)}
INSPECTION_LABELS = {"process": "过程检查", "certificate": "证书核对"}
CERT_TYPE_LABELS = {QUALIFICATION: "合格证类", CERTIFICATE: "证书类", INDUSTRY: "行业急需紧缺技能人才培训"}


@dataclass(frozen=True)
class ProcessFacts:
    """What the platform knows of one class's supervision steps."""

    plan_filed: bool = False
    commitment: bool = False
    opening_requested: bool = False
    opening_approved: bool = False
    opening_refused: bool = False
    opening_note: str = ""
    process_inspections: int = 0
    process_issues: int = 0
    exam_scores: int = 0  # enrolments with a completion exam score recorded
    enrolled: int = 0
    certificate_checks: int = 0
    certificate_issues: int = 0
    evaluations: int = 0
    supervisor: str = ""  # the industry authority of an industry-led project


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    done: bool
    detail: str
    rule: str = RULE


def needs_opening(cert_type: str) -> bool:
    """Only 合格证类 classes go through the class-opening application (开班申请)."""
    return cert_type == QUALIFICATION


def _filing(f: ProcessFacts) -> Step:
    done = f.plan_filed and f.commitment
    if done:
        detail = "培训计划已备案，承诺已作出"
    elif f.plan_filed:
        detail = "培训计划已备案，但未作出承诺"
    else:
        detail = "培训计划尚未备案"
    return Step("plan_filing", "培训计划申报（含承诺）", done, detail)


def _inspections(label: str, key: str, count: int, issues: int) -> Step:
    if not count:
        return Step(key, label, False, f"尚无{label}记录")
    detail = f"已记录 {count} 次{label}" + (f"，其中 {issues} 次发现问题" if issues else "，均符合要求")
    return Step(key, label, True, detail)


def _evaluation(f: ProcessFacts) -> Step:
    if not f.evaluations:
        return Step("evaluation", "学员评价", False, "尚无学员评价")
    return Step("evaluation", "学员评价", True, f"已有 {f.evaluations} 名学员评价")


def process_steps(cert_type: str, facts: ProcessFacts) -> list[Step]:
    """The TRN-12 steps of a class of `cert_type`, each done or pending with what the record shows."""
    if cert_type == QUALIFICATION:
        if facts.opening_approved:
            opening = Step("opening", "开班申请", True, "开班申请已审核同意")
        elif facts.opening_requested:
            opening = Step("opening", "开班申请", False, "开班申请待人社部门审核")
        elif facts.opening_refused:
            note = f"：{facts.opening_note}" if facts.opening_note else ""
            opening = Step("opening", "开班申请", False, f"开班申请未获同意{note}")
        else:
            opening = Step("opening", "开班申请", False, "尚未提出开班申请")
        if facts.exam_scores:
            exam = Step(
                "completion_exam",
                "结业考核",
                True,
                f"已登记 {facts.exam_scores} 名学员的结业考核成绩（在册 {facts.enrolled} 名）",
            )
        else:
            exam = Step("completion_exam", "结业考核", False, "尚未登记结业考核成绩")
        return [
            opening,
            _inspections("过程检查", "process_inspection", facts.process_inspections, facts.process_issues),
            exam,
            _evaluation(facts),
        ]
    checks = _inspections("证书核对", "certificate_check", facts.certificate_checks, facts.certificate_issues)
    if cert_type == INDUSTRY:
        who = facts.supervisor or "（未指定）"
        filing = _filing(facts)
        filing = Step(
            filing.key, filing.label, filing.done, f"{filing.detail}；行业主管部门：{who}负责过程监管"
        )
        return [filing, checks]
    return [_filing(facts), checks, _evaluation(facts)]


def inspection_kind_allowed(cert_type: str, kind: str) -> Check:
    """TRN-12: a process inspection belongs to a 合格证类 class; a certificate check to a certificate-type
    or industry-led class."""
    allowed = INSPECTION_KINDS.get(cert_type, ())
    facts = {"cert_type": cert_type, "kind": kind, "allowed": list(allowed)}
    label = INSPECTION_LABELS.get(kind, kind)
    type_label = CERT_TYPE_LABELS.get(cert_type, cert_type)
    if kind not in allowed:
        wanted = "、".join(INSPECTION_LABELS[k] for k in allowed) or "—"
        return Check(RULE, False, f"{type_label}培训项目不实行{label}（应为：{wanted}）", facts, SOURCE, True)
    return Check(RULE, True, f"{type_label}培训项目实行{label}", facts, SOURCE, True)
