"""Every state machine of the directory (DESIGN §4, ADR 0001): one table per stateful model, the
moves its status may make, and the verbs people use with the status each leads to and the
capability it needs (scope is judged in `selectors.actions`). Every status change in the
institutions services goes through one of these tables, which writes the TransitionLog and the one
audit event `"<name>.<to-status>"` (`"<name>.created"` for a new row).

ListingPeriod and Termination have no status: a period is a fact of a renewal, a termination moves
its listing to `terminated`."""

from __future__ import annotations

from peiyu.core.workflow import Action, Workflow

from .models import (
    Application,
    Call,
    ChangeRequest,
    Listing,
    Objection,
    Panel,
    PanelMember,
    PublicNotice,
    Renewal,
)

S = Application.Status
L = Listing.Status
R = Renewal.Status
C = ChangeRequest.Status
N = PublicNotice.Status
O = Objection.Status  # noqa: E741
P = Panel.Status
M = PanelMember.Status
K = Call.Status

# A call for applications (SEL-6, SEL-7): drafted by the body its profile names (`call_issuers`), edited
# only as a draft, published, and closed by the tick once its deadline has passed (or by its issuer).
CALL_FLOW = Workflow(
    Call,
    {K.DRAFT: {K.PUBLISHED}, K.PUBLISHED: {K.CLOSED}},
    name="call",
    actions=[
        Action("publish", K.PUBLISHED, "发布", "call.manage"),
        Action("close", K.CLOSED, "截止受理", "call.manage"),
    ],
)

# An application: drafted and submitted by the institution, then along its review route (each step
# open to the org kinds and capability the route names, so step verbs carry no capability here).
APPLICATION_FLOW = Workflow(
    Application,
    {
        S.DRAFT: {S.IN_REVIEW, S.WITHDRAWN},
        S.IN_REVIEW: {S.RETURNED, S.REJECTED, S.IN_NOTICE, S.APPROVED, S.WITHDRAWN},
        S.RETURNED: {S.IN_REVIEW, S.WITHDRAWN},
        S.IN_NOTICE: {S.HELD, S.IN_REVIEW, S.APPROVED, S.REJECTED},
        S.HELD: {S.IN_REVIEW, S.APPROVED, S.REJECTED},
    },
    name="application",
    actions=[
        Action(
            "submit", S.IN_REVIEW, "提交申报", "application.submit", sources=frozenset({S.DRAFT, S.RETURNED})
        ),
        Action("withdraw", S.WITHDRAWN, "撤回", "application.submit"),
        # a passed step leads to the next step, or into the catalog after the last one
        Action("pass", S.APPROVED, "通过", sources=frozenset({S.IN_REVIEW})),
        Action("return", S.RETURNED, "退回修改", sources=frozenset({S.IN_REVIEW})),
        Action("reject", S.REJECTED, "不通过", sources=frozenset({S.IN_REVIEW})),
        Action("notice", S.IN_NOTICE, "发布公示", sources=frozenset({S.IN_REVIEW})),
        Action("file", S.APPROVED, "备案并生成统一编码", sources=frozenset({S.IN_REVIEW})),
    ],
)

# A catalog entry (DIR-1…6): expires and is forfeited on time, renewed, terminated by the
# institution, suspended, reinstated or removed by the competent body.
LISTING_FLOW = Workflow(
    Listing,
    {
        L.ACTIVE: {L.SUSPENDED, L.EXPIRED, L.FORFEITED, L.TERMINATED, L.REMOVED},
        L.SUSPENDED: {L.ACTIVE, L.EXPIRED, L.FORFEITED, L.TERMINATED, L.REMOVED},
        L.EXPIRED: {L.ACTIVE, L.FORFEITED, L.TERMINATED, L.REMOVED},
    },
    name="listing",
    actions=[
        Action("suspend", L.SUSPENDED, "暂停", "listing.manage", sources=frozenset({L.ACTIVE})),
        Action("reinstate", L.ACTIVE, "恢复", "listing.manage", sources=frozenset({L.SUSPENDED})),
        Action("remove", L.REMOVED, "取消（退出目录）", "listing.manage"),
        Action("terminate", L.TERMINATED, "申请注销", "application.submit"),
    ],
)

# A renewal (DIR-2, DIR-4): drafted by the institution, decided by the competent body; an entry that
# leaves the catalog closes its open renewal as rejected.
RENEWAL_FLOW = Workflow(
    Renewal,
    {
        R.DRAFT: {R.SUBMITTED, R.REJECTED},
        R.SUBMITTED: {R.APPROVED, R.REJECTED},
    },
    name="renewal",
    actions=[
        Action("submit", R.SUBMITTED, "提交延续申请", "application.submit"),
        Action("approve", R.APPROVED, "同意延续", "listing.manage"),
        Action("reject", R.REJECTED, "不同意", "listing.manage", sources=frozenset({R.SUBMITTED})),
    ],
)

# A change request (DIR-5): Chengdu — the district reviews, the city capacity centre applies;
# DTE — the selecting body applies. Closed as rejected when its entry leaves the catalog.
CHANGE_REQUEST_FLOW = Workflow(
    ChangeRequest,
    {
        C.SUBMITTED: {C.REVIEWED, C.APPLIED, C.REJECTED},
        C.REVIEWED: {C.APPLIED, C.REJECTED},
    },
    name="change_request",
    actions=[
        Action("review", C.REVIEWED, "初审同意", "listing.view"),
        Action("apply", C.APPLIED, "同意变更", "listing.view"),
        Action("reject", C.REJECTED, "不同意", "listing.view"),
    ],
)

# A public notice (SEL-7, SEL-10): open for its working days, ended by the tick.
PUBLIC_NOTICE_FLOW = Workflow(
    PublicNotice,
    {N.OPEN: {N.ENDED}},
    name="public_notice",
    actions=[Action("end", N.ENDED, "结束公示")],
)

# An objection during a notice: decided by the publishing body.
OBJECTION_FLOW = Workflow(
    Objection,
    {O.OPEN: {O.UPHELD, O.DISMISSED}},
    name="objection",
    actions=[
        Action("uphold", O.UPHELD, "异议成立"),
        Action("dismiss", O.DISMISSED, "异议不成立"),
    ],
)

# An expert panel (SEL-8): open while the experts score, closed by the organising officials.
PANEL_FLOW = Workflow(
    Panel,
    {P.OPEN: {P.CLOSED}},
    name="panel",
    actions=[Action("close", P.CLOSED, "结束评议")],
)

# A member of a panel: drawn (invited), accepted by scoring, or declined (and replaced by a redraw).
PANEL_MEMBER_FLOW = Workflow(
    PanelMember,
    {
        M.INVITED: {M.ACCEPTED, M.DECLINED},
        M.ACCEPTED: {M.DECLINED},
    },
    name="panel_member",
    actions=[
        Action("accept", M.ACCEPTED, "确认参加", "expert.review"),
        Action("decline", M.DECLINED, "谢绝"),
    ],
)
