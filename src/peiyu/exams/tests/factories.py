"""Test data for evaluation, shared by every area's tests: `build()` makes the world (see conftest), the
functions below add sites, banks, sessions, people and registrations directly through the models — the
state a test starts from, not the behaviour under test (which always goes through the services)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from peiyu.core.crypto import blind_index, sm3_hex
from peiyu.core.identifiers import id_with_check
from peiyu.exams.models import (
    Blueprint,
    BlueprintCell,
    EvaluationSession,
    Examiner,
    ExamRoom,
    ExamSite,
    Item,
    ItemVersion,
    KnowledgeArea,
    Paper,
    PaperItem,
    QuestionBank,
    Registration,
    Sitting,
)
from peiyu.institutions.models import Listing
from peiyu.training.models import Trainee

BEIJING = dt.timezone(dt.timedelta(hours=8))
DAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING)
ELECTRICIAN = ("6-31-01-03", "电工")
TURNER = ("6-18-01-01", "车工")
AI = ("2-02-38-01", "人工智能工程技术人员")
ID_PURPOSE = "person_id_number"


def build() -> Any:
    from peiyu.catalogs.models import Occupation
    from peiyu.core.policy import load_policy_files
    from peiyu.institutions.tests import factories as directory
    from tests.personas import _org, _user, build_world

    world = build_world()
    load_policy_files()
    directory.load_reference()
    directory.chengdu_setup(world)
    for code, name, programme in ((*ELECTRICIAN, "skill"), (*TURNER, "skill")):
        Occupation.objects.get_or_create(
            code=code,
            defaults={"name": name, "programme": programme, "kind": "skill", "confidence": "confirmed"},
        )
    social = world.orgs["cd_social1"]
    employer = world.orgs["cd_employer"]
    hb_eval = _org(world, "hb_eval", "湖北数字技术工程师评价中心", "institution", "420100")
    hb_train = _org(world, "hb_train", "武汉光谷数字技术培训学院", "institution", "420100")
    world.listings = {
        "cd_elec": listing(
            social,
            "LE-CD-EL",
            programme="skill",
            occupation=ELECTRICIAN,
            levels=["五级", "四级", "三级", "二级"],
        ),
        "cd_turner": listing(
            employer, "LE-CD-TN", programme="skill", occupation=TURNER, levels=["四级", "三级"]
        ),
        "hb_ai": listing(hb_eval, "LE-HB-AI", programme="dte", occupation=AI, levels=["初级", "中级"]),
        "hb_ai_training": listing(
            hb_train, "LT-HB-AI", programme="dte", occupation=AI, levels=["初级", "中级"], kind="training"
        ),
    }
    for key, role in [
        ("cd_exam_admin", "exam_admin"),
        ("cd_setter", "question_setter"),
        ("cd_reviewer", "bank_reviewer"),
        ("cd_approver", "bank_approver"),
        ("cd_proctor", "exam_staff"),
        ("cd_supervisor", "quality_supervisor"),
    ]:
        _user(world, key, social, role)
    _user(world, "cd_employer_exam", employer, "exam_admin")
    _user(world, "hb_eval_admin", hb_eval, "institution_admin")
    _user(world, "hb_train_admin", hb_train, "institution_admin")
    world.examiners = [
        examiner(social, f"考评员{i}", f"5101071980010{i:02d}1"[:17], user=_user(world, f"cd_examiner{i}", social, "examiner"))
        for i in range(1, 6)
    ]  # fmt: skip
    return world


def listing(
    org, number: str, *, programme: str, occupation, levels, status="active", kind="evaluation", **extra
):
    return Listing.objects.create(
        number=number,
        programme=programme,
        institution=org,
        institution_name=org.name,
        kind=kind,
        occupation_code=occupation[0],
        occupation_name=occupation[1],
        levels=list(levels),
        region_id=org.region_id,
        valid_from=extra.pop("valid_from", dt.date(2025, 1, 1)),
        valid_until=extra.pop("valid_until", dt.date(2027, 12, 31)),
        status=status,
        **extra,
    )


def site(org, *, status: str = "accepted", name: str = "武侯考点", seats: int = 40) -> ExamSite:
    """A site with a theory room (one per desk, 90 cm), a practical room and a defence room."""
    s = ExamSite.objects.create(
        institution=org,
        region_id=org.region_id,
        name=name,
        address="成都市武侯区科华北路1号",
        serial=f"{ExamSite.objects.count() + 1:06d}",
        video_monitoring=True,
        video_recording=True,
        video_retention_days=90,
        status=status,
    )
    ExamRoom.objects.create(site=s, kind="theory", name="第一理论考场", seats=seats, one_per_desk=True,
                            desk_spacing_cm=90, computers=seats, video_monitoring=True)  # fmt: skip
    ExamRoom.objects.create(site=s, kind="practical", name="实操考场", seats=10, equipment="配电柜、万用表、绝缘工具",
                            video_monitoring=True)  # fmt: skip
    ExamRoom.objects.create(site=s, kind="defence", name="答辩室", seats=6, video_monitoring=True)
    return s


AREAS = [("A", "基础知识", 30), ("B", "电工安全", 30), ("C", "专业技能", 40)]
# blueprint cells: (area, type, difficulty, count, points) summing to 100 points
CELLS = [
    ("A", "single", 2, 10, "1"), ("A", "true_false", 1, 10, "1"), ("A", "multiple", 3, 5, "2"),
    ("B", "single", 3, 10, "1"), ("B", "true_false", 2, 10, "1"), ("B", "multiple", 3, 5, "2"),
    ("C", "single", 3, 20, "1"), ("C", "multiple", 4, 5, "2"), ("C", "short", 4, 2, "5"),
]  # fmt: skip


def blueprint(occupation=ELECTRICIAN, level: str = "四级", programme: str = "skill") -> Blueprint:
    bp = Blueprint.objects.create(
        programme=programme, occupation_code=occupation[0], occupation_name=occupation[1], level=level,
        title=f"{occupation[1]}{level}理论知识权重表（示例）", duration_minutes=90, is_sample=True,
    )  # fmt: skip
    areas = {
        code: KnowledgeArea.objects.create(blueprint=bp, code=code, name=name, weight=weight, position=i)
        for i, (code, name, weight) in enumerate(AREAS)
    }
    for area, item_type, difficulty, count, points in CELLS:
        BlueprintCell.objects.create(blueprint=bp, area=areas[area], item_type=item_type, difficulty=difficulty,
                                     count=count, points=Decimal(points))  # fmt: skip
    return bp


def content(item_type: str, n: int) -> dict[str, Any]:
    if item_type == "single":
        return {"stem": f"单选题{n}", "options": ["甲", "乙", "丙", "丁"], "answer": "ABCD"[n % 4]}
    if item_type == "multiple":
        return {"stem": f"多选题{n}", "options": ["甲", "乙", "丙", "丁"], "answer": "AC" if n % 2 else "BD"}
    if item_type == "true_false":
        return {"stem": f"判断题{n}", "answer": "T" if n % 2 else "F"}
    if item_type == "fill":
        return {"stem": f"填空题{n}（  ）", "answer": [f"答案{n}"]}
    if item_type == "short":
        return {
            "stem": f"简答题{n}",
            "answer": f"参考答案{n}",
            "criteria": [{"criterion": "要点", "points": 5}],
        }
    return {"stem": f"实操任务{n}", "materials": "配电柜", "minutes": 60,
            "criteria": [{"criterion": "安全操作", "points": 40}, {"criterion": "接线正确", "points": 60}]}  # fmt: skip


def item(bank: QuestionBank, item_type: str, *, area: str = "A", difficulty: int = 3, status: str = "approved",
         writer=None, n: int | None = None) -> Item:  # fmt: skip
    n = Item.objects.filter(bank=bank).count() + 1 if n is None else n
    it = Item.objects.create(bank=bank, code=f"{bank.id}-{n:05d}", item_type=item_type, area_code=area,
                             difficulty=difficulty, status=status)  # fmt: skip
    body = json.dumps(content(item_type, n), ensure_ascii=False, sort_keys=True)
    ItemVersion.objects.create(
        item=it, version=1, content=body, digest=sm3_hex(body.encode()), written_by=writer
    )
    return it


def bank(org, writer, *, occupation=ELECTRICIAN, level: str = "四级", per_cell: float = 3.0, practical: int = 0,
         programme: str = "skill", bp: Blueprint | None = None) -> QuestionBank:  # fmt: skip
    """A bank with approved items: `per_cell` × each blueprint cell's count, and `practical` sets."""
    bp = bp or blueprint(occupation, level, programme)
    b = QuestionBank.objects.create(
        institution=org, region_code=org.region_id, programme=programme, occupation_code=occupation[0],
        occupation_name=occupation[1], level=level, blueprint=bp,
        responsibles={"writing": "张命题", "transfer": "李传递", "use": "王使用", "grading": "赵阅卷", "archiving": "钱归档"},
    )  # fmt: skip
    items = []
    n = 0
    for cell in bp.cells.select_related("area"):
        for _ in range(int(cell.count * per_cell)):
            n += 1
            items.append((cell.item_type, cell.area.code, cell.difficulty or 3, n))
    for _ in range(practical):
        n += 1
        items.append(("practical", "C", 3, n))
    for item_type, area, difficulty, k in items:
        item(b, item_type, area=area, difficulty=difficulty, writer=writer, n=k)
    return b


def session(world, *, status: str = "draft", listing_key: str = "cd_elec", level: str = "四级", at: ExamSite | None = None,
            bank_: QuestionBank | None = None, starts: dt.datetime | None = None) -> EvaluationSession:  # fmt: skip
    lst = world.listings[listing_key]
    org = lst.institution
    at = at or site(org)
    starts = starts or DAY + dt.timedelta(days=30)
    s = EvaluationSession.objects.create(
        number=f"KS{EvaluationSession.objects.count() + 1:06d}", institution=org, listing=lst,
        region_code=org.region_id, programme=lst.programme, occupation_code=lst.occupation_code,
        occupation_name=lst.occupation_name, level=level, title=f"{lst.occupation_name}{level}第1批",
        site=at, bank=bank_, blueprint=bank_.blueprint if bank_ else None, capacity=40,
        registration_opens_on=(DAY + dt.timedelta(days=1)).date(),
        registration_closes_on=(DAY + dt.timedelta(days=15)).date(),
        theory_starts_at=starts, theory_minutes=90, practical_on=(starts + dt.timedelta(days=1)).date(),
        review_required=level in ("二级", "一级"), status=status,
    )  # fmt: skip
    return s


def sitting(
    sess: EvaluationSession, kind: str = "theory", *, proctor=None, status: str = "scheduled"
) -> Sitting:
    room = sess.site.rooms.get(kind={"theory": "theory", "practical": "practical", "review": "defence"}[kind])
    starts = sess.theory_starts_at
    return Sitting.objects.create(session=sess, kind=kind, room=room, starts_at=starts,
                                  ends_at=starts + dt.timedelta(minutes=sess.theory_minutes), proctor=proctor,
                                  status=status)  # fmt: skip


def person(name: str, first17: str, *, user=None, **extra) -> Trainee:
    number = id_with_check(first17)
    birth = dt.date(int(first17[6:10]), int(first17[10:12]), int(first17[12:14]))
    return Trainee.objects.create(name=name, id_number=number, id_index=blind_index(number, ID_PURPOSE),
                                  sex="F" if int(first17[16]) % 2 == 0 else "M", birth_date=birth, user=user,
                                  **extra)  # fmt: skip


def registration(sess: EvaluationSession, who: Trainee, *, status: str = "approved", **extra) -> Registration:
    defaults: dict[str, Any] = {
        "source": "self",
        "facts": {
            "education": "高中",
            "years_in_trade": 6,
            "lower_level": "五级",
            "lower_level_on": "2021-06-30",
        },
        "commitment_signed_at": DAY,
    }
    defaults.update(extra)
    if status == "approved" and "ticket_number" not in extra:
        defaults["ticket_number"] = (
            f"{sess.number}{Registration.objects.filter(session=sess).count() + 1:04d}"
        )
    return Registration.objects.create(session=sess, person=who, status=status, **defaults)


def examiner(org, name: str, first17: str, *, user=None, occupations=(ELECTRICIAN[0],), **extra) -> Examiner:
    number = id_with_check(first17)
    return Examiner.objects.create(
        institution=org, user=user, name=name, id_number=number, id_index=blind_index(number, ID_PURPOSE),
        occupations=list(occupations), licence_number=f"KPY{first17[-6:]}", licence_level="一级",
        licence_valid_until=dt.date(2028, 12, 31), **extra,
    )  # fmt: skip


def sealed_paper(sess: EvaluationSession, *, form: str = "A", items: list[Item] | None = None,
                 status: str = "sealed") -> Paper:  # fmt: skip
    """A sealed theory form in the format of Paper.sealed_content: the blueprint's count of each cell
    from the session's bank (or `items`), points from the cells, opening at the theory start."""
    if items is None:
        items = []
        for cell in sess.blueprint.cells.select_related("area"):
            found = list(
                Item.objects.filter(bank=sess.bank, item_type=cell.item_type, area_code=cell.area.code,
                                    status="approved").order_by("id")[: cell.count]
            )  # fmt: skip
            items += found
    points = (
        {(c.item_type, c.area.code): c.points for c in sess.blueprint.cells.select_related("area")}
        if sess.blueprint
        else {}
    )
    rows = []
    for position, it in enumerate(items, start=1):
        version = it.versions.get(version=it.version)
        body = json.loads(version.content)
        rows.append({"position": position, "item": it.id, "version": version.id, "type": it.item_type,
                     "area": it.area_code, "difficulty": it.difficulty,
                     "points": str(points.get((it.item_type, it.area_code), Decimal("1.0"))), **body})  # fmt: skip
    total = sum(Decimal(r["points"]) for r in rows)
    data = {"session": sess.number, "form": form, "kind": "theory", "total_points": str(total), "items": rows}
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    paper = Paper.objects.create(session=sess, form=form, status=status, total_points=total, sealed_content=text,
                                 digest=sm3_hex(text.encode()), sealed_at=DAY, opens_at=sess.theory_starts_at)  # fmt: skip
    PaperItem.objects.bulk_create(
        PaperItem(paper=paper, item_id=r["item"], version_id=r["version"], position=r["position"], points=Decimal(r["points"]))
        for r in rows
    )  # fmt: skip
    Item.objects.filter(id__in=[it.id for it in items]).update(frozen=True)
    return paper
