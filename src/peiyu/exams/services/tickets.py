"""Admission tickets (准考证, EVL-8 review → EVL-5 exam): the ticket number given on approval and the
ticket as a PDF.

Numbers: the session's number + a 4-digit sequence, e.g. KS0000120007. The caller holds the session's
row lock (services.registrations.session_locked) while the highest number of the prefix is read, so
two officials approving at once get consecutive numbers; a withdrawn registration keeps its number,
so a number is never given twice; the unique index on the number is the last guard. Each ticket has a
random token (secrets.token_urlsafe(32)) that its QR code carries to the public check page."""

from __future__ import annotations

import datetime as dt
import io
import secrets
from typing import Any

from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import Image, Spacer

from peiyu.audit.services import audit_record
from peiyu.core.documents.pdf import NOTE, PLAIN, TITLE, WIDTH, build_pdf, cn_date, grid, para
from peiyu.core.documents.qr import QRCode
from peiyu.core.errors import Conflict
from peiyu.core.identifiers import mask_id_number
from peiyu.training.selectors.trainees import person_photo

from ..models import EvaluationSession, Registration

SEQ_DIGITS = 4
CANDIDATE_RULES = (
    "一、考生须凭本准考证和本人有效居民身份证原件，在开考前30分钟进入考场，按座位号就座；开考15分钟后不得入场。",
    "二、除规定的文具外，不得携带手机、智能手表等电子设备及书籍资料进入考场；已携带的须关机并存放于指定位置。",
    "三、机考考生在开考时核验身份证号码和准考证号；考试过程中离开页面将被记录并报告监考人员。",
    "四、考生须服从考务人员管理，独立完成作答；有违纪舞弊行为的，按规定取消本次考核成绩并记入诚信记录。",
    "五、本准考证上的二维码可核验真伪；请妥善保管，遗失的请联系评价机构重新下载。",
)


def _next_sequence(prefix: str) -> int:
    last = (
        Registration.objects.filter(
            ticket_number__startswith=prefix, ticket_number__regex=rf"^{prefix}\d{{{SEQ_DIGITS}}}$"
        )
        .order_by("-ticket_number")
        .values_list("ticket_number", flat=True)
        .first()
    )
    return int(last[len(prefix) :]) + 1 if last else 1


def ticket_assign(session: EvaluationSession) -> tuple[str, str]:
    """(ticket number, QR token) for the next approval of the session; the caller holds its lock."""
    seq = _next_sequence(session.number)
    if seq >= 10**SEQ_DIGITS:
        raise Conflict("本批次准考证号已用尽", code="ticket_numbers_exhausted")
    return f"{session.number}{seq:0{SEQ_DIGITS}d}", secrets.token_urlsafe(32)


def _time(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def ticket_rows(registration: Registration) -> list[tuple[str, str]]:
    """The ticket's lines (label, value), shared by the PDF and the page."""
    s = registration.session
    theory = s.theory_starts_at
    ends = theory + dt.timedelta(minutes=s.theory_minutes)
    theory_text = (
        "免考（第二十三条）"
        if registration.theory_exempt
        else f"{_time(theory)} 至 {timezone.localtime(ends):%H:%M}"
    )
    sitting = registration.theory_sitting
    room = sitting.room.name if sitting else "待编排"
    rows = [
        ("准考证号", registration.ticket_number or ""),
        ("姓名", registration.person.name),
        ("身份证号码", mask_id_number(registration.person.id_number)),
        ("评价机构", s.institution.name),
        ("考核批次", f"{s.number} {s.title}"),
        ("职业（工种）", s.occupation_name + (f"（{s.direction}）" if s.direction else "")),
        ("等级", s.level),
        ("理论知识考试", theory_text),
        ("技能操作考核", cn_date(s.practical_on) or "另行通知"),
    ]
    if s.review_required:
        rows.append(("综合评审", cn_date(s.review_on) or "另行通知"))
    rows += [
        ("考点", f"{s.site.name}（{s.site.address}）"),
        ("考场 / 座位号", f"{room} / {registration.seat or '待编排'}"),
    ]
    return rows


def ticket_pdf(registration: Registration, *, verify_url: str, actor: Any = None) -> bytes:
    """One A4 page: title, the candidate's ID photo (or the box to paste one in), the lines of `ticket_rows`, the QR code to `verify_url` (the
    public check page of the ticket's token) and the rules for candidates. Audited as a download."""
    if registration.status != Registration.Status.APPROVED or not registration.ticket_number:
        raise Conflict("报名审核通过后才能下载准考证", code="ticket_not_issued")
    rows = ticket_rows(registration)
    picture = person_photo(registration.person_id)  # the candidate's own ID photo, when uploaded
    box: Any = (
        Image(io.BytesIO(picture), width=30 * mm, height=40 * mm, kind="proportional")
        if picture
        else para("照片\n（请粘贴近期免冠\n彩色照片一张）", NOTE)
    )
    photo = grid([[box]], [30 * mm], min_heights=[40 * mm])
    lines = grid([[para(label), para(value)] for label, value in rows], [30 * mm, WIDTH - 30 * mm - 36 * mm])
    top = grid([[lines, photo]], [WIDTH - 34 * mm, 34 * mm], ruled=False,
               extra=[("VALIGN", (0, 0), (-1, -1), "TOP")])  # fmt: skip
    qr = grid([[QRCode(verify_url, 30 * mm), para("扫描二维码核验准考证真伪", NOTE)]], [36 * mm, WIDTH - 36 * mm],
              ruled=False)  # fmt: skip
    story = [
        para("职业技能等级认定准考证", TITLE),
        top,
        Spacer(1, 5 * mm),
        qr,
        Spacer(1, 4 * mm),
        para("考生须知", PLAIN),
        *[para(line, NOTE) for line in CANDIDATE_RULES],
    ]
    content = build_pdf(story, title=f"准考证 {registration.ticket_number}", subject=registration.session.number,
                        footer=f"{registration.session.institution.name} · 生成于{_time(timezone.now())}")  # fmt: skip
    if actor is not None:
        audit_record(actor, "exam_registration.ticket_downloaded", registration,
                     after={"ticket": registration.ticket_number})  # fmt: skip
    return io.BytesIO(content).getvalue()
