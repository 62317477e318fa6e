"""The Hubei DTE sessions taken through the exam (journey 14's input, issue 14 point 11): 湖北数智技能评价中心's
exam staff and examiners, an 人工智能工程技术人员 初级 bank on the sample blueprint (imported by the
question setter, reviewed and approved by two others), and six sessions whose candidates 武汉云启
forwarded from its completed class — each sat the theory exam on the computer, was marked, scored by a
drawn practical panel confirmed by its leader, the results computed, the score notice published and
ended ("demo history", as for Chengdu) and the passing list frozen. The certificates demo then takes
each session's certificate data to a different step of the CRT-3 pipeline.

The scores are chosen, not drawn: each candidate's share of right answers and of the practical marks,
so the passing lists have the sizes the pipeline's demo needs (one candidate fails)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from peiyu.accounts.models import Org, User
from peiyu.audit.services import audit_record
from peiyu.core.identifiers import id_with_check

from ..models import EvaluationSession, ExamSite, Item, QuestionBank, Registration, ScoreNotice
from ..services import banks as bank_services
from ..services import examiners as examiner_services
from ..services import items as item_services
from ..services import notices, panels, passing, practical, results, sittings, supervision
from ..services import sessions_steps as steps
from ..services.item_import import bank_import
from ..services.registration_import import registration_forward
from ..services.sessions import session_create
from .exam import _open, _sit, mark
from .flow import Staff, account, advance, check_in
from .support import AI, ItemWording, item_row, items_xlsx, session_form

FACTS = {"education": "本科", "related_major": "1", "years_in_trade": "2"}
STAFF = [
    ("wh_eval_setter", "邓命题", "question_setter"),
    ("wh_eval_reviewer", "潘审题", "bank_reviewer"),
    ("wh_eval_approver", "蔡审定", "bank_approver"),
    ("wh_eval_proctor", "田监考", "exam_staff"),
    ("wh_eval_supervisor", "董督导", "quality_supervisor"),
]
EXAMINERS = [
    ("wh_eval_examiner1", "熊立新", "42010219750312001", "华中科技大学"),
    ("wh_eval_examiner2", "万晓峰", "42010319780623002", "武汉大学"),
    ("wh_eval_examiner3", "汪海燕", "42010419800915003", "湖北省软件行业协会"),
    ("wh_eval_examiner4", "鲁建华", "42010519720108004", "武汉理工大学"),
]
TOPICS = {
    "A": ["线性代数", "概率统计", "Python 编程", "数据结构", "最优化方法", "数据预处理"],
    "B": ["监督学习", "神经网络", "卷积网络", "模型评估", "过拟合", "模型部署"],
    "C": ["数据安全法", "个人信息保护", "算法伦理", "职业道德", "数据标注规范", "安全生产"],
}
# the six sessions in the order the certificates demo takes them (issued, submitted, confirmed,
# forwarded, returned by the office, approved with a return): how many candidates each; the first
# has one who fails the theory exam
SIZES = (5, 2, 3, 2, 2, 3)
ORDINALS = "一二三四五六"


WORDS = ItemWording(
    single="关于该知识点，下列说法正确的是（  ）。",
    multiple="下列做法中，符合规范的有（  ）。",
    true_false="{topic}相关工作应当遵守国家标准和数据安全要求。",
    short="简述{topic}的主要步骤。",
    short_answer="{topic}的主要步骤……",
    practical_stem="{topic}模型训练与部署（第{n}套）",
    practical=("数据处理|30；模型训练|40；部署与测试|30", "90", "GPU 工作站、训练数据集", "100"),
)


def _row(item_type: str, area: str, difficulty: int, n: int) -> list[Any]:
    return item_row(WORDS, TOPICS, item_type, area, difficulty, n)


def _bank(org: Org, admin: User, people: dict[str, User]) -> QuestionBank:
    """Two parallel forms without a shared item need twice each blueprint cell; four practical sets."""
    found = QuestionBank.objects.filter(institution=org, occupation_code=AI[0], level="初级").first()
    if found is not None:
        return found
    bank = bank_services.bank_create(actor=admin, institution=org, data={
        "occupation_code": AI[0], "level": "初级", "source": "own",
        "responsibles": {"writing": "邓命题（命题组组长）", "transfer": "鄂评价（机要传递）", "use": "鄂评价（考务负责人）",
                         "grading": "熊立新（考评组组长）", "archiving": "董督导（档案管理）"},
        "notes": "本机构自建题库；权重表为示例值（演示数据）。",
    })  # fmt: skip
    assert bank.blueprint is not None
    rows: list[list[Any]] = []
    for cell in bank.blueprint.cells.select_related("area").order_by("id"):
        rows += [
            _row(cell.item_type, cell.area.code, cell.difficulty or 3, len(rows) + 1)
            for _ in range(2 * cell.count)
        ]
    rows += [_row("practical", "B", 3, k + 1) for k in range(4)]
    imp = bank_import(actor=people["wh_eval_setter"], bank=bank, content=items_xlsx(rows),
                      file_name="人工智能工程技术人员初级题库（2026）.xlsx")  # fmt: skip
    assert imp.status == "done", imp.errors[:3]
    for item in Item.objects.filter(bank=bank).select_related("bank").order_by("pk"):
        item_services.item_submit(actor=people["wh_eval_setter"], item=item)
        item_services.item_review(actor=people["wh_eval_reviewer"], item=item)
        item_services.item_approve(actor=people["wh_eval_approver"], item=item)
    return bank


def _staff(org: Org, admin: User, platform: Org) -> Staff:
    people = {u: account(org, u, name, role) for u, name, role in STAFF}
    for i, (username, name, first17, employer) in enumerate(EXAMINERS, start=1):
        account(org, username, name, "examiner")
        examiner_services.examiner_create(
            actor=admin, name=name, id_number=id_with_check(first17), phone=f"1397100{i:04d}",
            occupations=AI[0], licence_number=f"KPY420100{i:04d}", licence_level="一级",
            licence_valid_until="2028-12-31", username=username, employer_name=employer,
        )  # fmt: skip
    supervision.supervisor_register(actor=admin, username="wh_eval_supervisor", kind="internal",
                                    certificate_number="HBZD2025007", org_id=org.pk)  # fmt: skip
    return Staff(admin, people["wh_eval_proctor"], people["wh_eval_supervisor"], platform, people)


def _practical(session: EvaluationSession, admin: User, shares: dict[int, Decimal]) -> None:
    """The drawn practical panel scores each candidate (her share of each criterion), the leader confirms."""
    panel = panels.panel_draw(actor=admin, session=session, kind="practical", seed=f"demo-p-{session.number}")
    _source, criteria = practical.criteria_for(panel)
    members = list(panel.members.select_related("examiner__user").order_by("role", "pk"))
    for reg in Registration.objects.filter(session=session, status="approved").order_by("ticket_number"):
        share = shares.get(reg.pk, Decimal("0.82"))
        for m in members:
            marks = {
                str(c["key"]): str((Decimal(str(c["points"])) * share).quantize(Decimal("1")))
                for c in criteria
            }
            practical.score_enter(actor=m.examiner.user, panel=panel, registration=reg, marks=marks)
    leader = next(m for m in members if m.role == "leader")
    practical.panel_confirm(
        actor=leader.examiner.user, panel=panel, note="三名考评员独立评分，组长复核无误。"
    )


def _finalised(session: EvaluationSession, staff: Staff, trainer: User, certs: list[dict[str, Any]],
               rng: random.Random, *, failing: int | None) -> EvaluationSession:  # fmt: skip
    """Forwarded, approved, seated, sat this morning, graded, noticed, the notice over, finalised."""

    def forward(s: EvaluationSession) -> None:
        for cert in certs:
            registration_forward(actor=trainer, session=s, certificate_id=cert["id"], facts=FACTS,
                                 commitment_collected=True)  # fmt: skip

    session = advance(session, staff, rng, to="exam", extra=forward)
    _open(session, staff, timezone.now() - dt.timedelta(minutes=30))
    regs = list(
        Registration.objects.filter(session=session).select_related("person").order_by("ticket_number")
    )
    for i, reg in enumerate(regs):
        _sit(reg, reg.person.id_number, 0.35 if i == failing else 0.9, rng, submit=True)
    check_in(session, staff, kind=None)
    for sitting in session.sittings.order_by("pk"):
        if sitting.status == "scheduled":
            sittings.sitting_open(actor=staff.proctor, sitting=sitting)
        sittings.sitting_close(actor=staff.proctor, sitting=sitting)
    steps.session_start_grading(actor=staff.admin, session=session)
    mark(session, staff)
    _practical(session, staff.admin, {r.pk: Decimal("0.78") + Decimal(i) / 50 for i, r in enumerate(regs)})
    results.results_compute(actor=staff.admin, session=session)
    notice = notices.notice_publish(actor=staff.admin, session=session)
    # demo history: the notice ran its period and ended yesterday
    days = (notice.ends_on - notice.starts_on).days + 2
    ScoreNotice.objects.filter(pk=notice.pk).update(starts_on=notice.starts_on - dt.timedelta(days=days),
                                                    ends_on=notice.ends_on - dt.timedelta(days=days))  # fmt: skip
    audit_record(None, "demo.notice_back_dated", notice, after={"days": days})
    passing.session_finalise(actor=staff.admin, session=session)
    session.refresh_from_db()
    return session


def finalised_sessions(org: Org, admin: User, trainer: User, site: ExamSite, listing: Any, platform: Org,
                       certs: list[dict[str, Any]]) -> list[EvaluationSession]:  # fmt: skip
    """The six sessions, the certificates (the class's valid training certificates) shared out in order."""
    staff = _staff(org, admin, platform)
    bank = _bank(org, admin, staff.people)
    rng = random.Random(1402)
    out: list[EvaluationSession] = []
    start = 0
    for n, size in enumerate(SIZES):
        mine = certs[start : start + size]
        start += size
        if len(mine) < 2:
            break
        title = f"2026年人工智能工程技术人员（初级）专业技术等级考核（武汉第{ORDINALS[n]}批）"
        form = session_form(listing, site, bank, title, days=10, level="初级", forms="2",
                            announcement="面向完成人工智能工程技术人员（初级）培训并取得培训合格证书的人员，由培训机构统一推送报名。")  # fmt: skip
        session = session_create(actor=admin, institution=org, data=form)
        out.append(_finalised(session, staff, trainer, mine, rng, failing=1 if n == 0 else None))
    return out
