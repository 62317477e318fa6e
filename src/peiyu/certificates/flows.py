"""The state machines of certificates (ADR 0001): one table per stateful model; every status change goes
through it. The audit action of a move is `"<name>.<to-status>"`, of a new row `"<name>.created"`.

A batch follows its route (CRT-3): DTE draft → submitted → confirmed (province) → forwarded → approved
(coordination group office) → issuing → issued, with returns to the institution from the province or
the office; skill draft → issuing → issued → reported (to the city). A certificate is valid until an
official declares it invalid (CRT-7) or a reissue supersedes it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peiyu.core.workflow import Action, Workflow

from .models import BatchEntry, Certificate, CertificateTemplate, Invalidation, IssuanceBatch, SigningKey

ISSUE = "certificate.issue"
CONFIRM = "certificate.confirm"
APPROVE = "certificate.approve"
INVALIDATE = "certificate.invalidate"
KEYS = "certificate.keys"

B = IssuanceBatch.Status
BATCH_FLOW = Workflow(
    IssuanceBatch,
    {
        B.DRAFT: {B.SUBMITTED, B.ISSUING},
        B.SUBMITTED: {B.CONFIRMED, B.RETURNED},
        B.RETURNED: {B.SUBMITTED},
        B.CONFIRMED: {B.FORWARDED},
        B.FORWARDED: {B.APPROVED, B.RETURNED},
        B.APPROVED: {B.ISSUING},
        B.ISSUING: {B.ISSUED, B.APPROVED, B.DRAFT},  # a failed background run goes back to be retried
        B.ISSUED: {B.REPORTED},
    },
    name="certificate_batch",
    actions=[
        Action("submit", B.SUBMITTED, _("报送省级"), ISSUE, frozenset({B.DRAFT, B.RETURNED})),
        Action("confirm", B.CONFIRMED, _("确认"), CONFIRM),
        Action("return_province", B.RETURNED, _("退回"), CONFIRM, frozenset({B.SUBMITTED})),
        Action("forward", B.FORWARDED, _("转报协调小组办公室"), CONFIRM),
        Action("approve", B.APPROVED, _("审核通过"), APPROVE),
        Action("return_office", B.RETURNED, _("退回"), APPROVE, frozenset({B.FORWARDED})),
        Action("issue", B.ISSUING, _("发证"), ISSUE, frozenset({B.APPROVED, B.DRAFT})),
        Action("report", B.REPORTED, _("报市级备案"), ISSUE),
    ],
)

E = BatchEntry.Status
ENTRY_FLOW = Workflow(
    BatchEntry,
    {
        E.INCLUDED: {E.RETURNED, E.APPROVED, E.ISSUED, E.WITHDRAWN},
        E.RETURNED: {E.INCLUDED, E.WITHDRAWN},
        E.APPROVED: {E.ISSUED, E.RETURNED},
    },
    name="certificate_entry",
)

C = Certificate.Status
CERTIFICATE_FLOW = Workflow(
    Certificate,
    {C.VALID: {C.INVALIDATED, C.SUPERSEDED}},
    name="certificate",
    actions=[
        Action("reissue", C.SUPERSEDED, _("补发或更正换发"), ISSUE),
    ],
)

K = SigningKey.Status
KEY_FLOW = Workflow(
    SigningKey,
    {K.ACTIVE: {K.RETIRED, K.REVOKED}, K.RETIRED: {K.REVOKED}},
    name="signing_key",
    actions=[
        Action("retire", K.RETIRED, _("轮换停用"), KEYS),
        Action("revoke", K.REVOKED, _("吊销"), KEYS),
    ],
)

T = CertificateTemplate.Status
TEMPLATE_FLOW = Workflow(
    CertificateTemplate,
    {
        T.DRAFT: {T.ACTIVE, T.HELD},
        T.HELD: {T.ACTIVE, T.REFUSED},
        T.REFUSED: {T.DRAFT},
        T.ACTIVE: {T.RETIRED},
    },
    name="certificate_template",
)

V = Invalidation.Status
INVALIDATION_FLOW = Workflow(
    Invalidation,
    {
        V.OPENED: {V.STATED, V.DECIDED, V.DISMISSED},  # decided without a statement only once it is overdue
        V.STATED: {V.DECIDED, V.DISMISSED},
    },
    name="certificate_invalidation",
    actions=[
        Action("state", V.STATED, _("说明情况"), ISSUE, frozenset({V.OPENED})),
        Action("decide", V.DECIDED, _("宣布无效"), INVALIDATE),
        Action("dismiss", V.DISMISSED, _("不予认定"), INVALIDATE),
    ],
)
