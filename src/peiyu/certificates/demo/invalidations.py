"""Demo data of invalidation and reissue (CRT-7; issue 14 point 11), on certificates the pipeline's demo
issued (demo/batches.py runs first), through the services with the demo's own actors:

- a Chengdu skill certificate declared invalid (cheating): the city's finding, the organisation's
  statement, the decision — shown as 已宣布无效 in verification, the status list and the holder's wallet;
- another with a finding awaiting the organisation's statement (on its to-do list);
- a third reissued as lost: the old one 已换发, the new one valid;
- a Hubei DTE certificate, if one was issued, with the institution's statement awaiting the province's
  decision (on the province official's to-do list).

Idempotent: nothing is done once any finding exists."""

from __future__ import annotations

from peiyu.accounts.models import Org, RoleAssignment, User

from ..models import Certificate, Invalidation
from ..services import invalidations as svc
from ..services.certificates_reissue import certificate_reissue

FINDING = "经核查考场监控视频，该考生在理论知识考试中使用手机查阅答案，监考记录与视频一致。"
STATEMENT = "经核实，该考生确有违纪行为，监考人员当场制止但未终止其考试，本机构对考场管理不严负有责任。"
DTE_FINDING = "抽查发现该考生报名时提交的工作年限证明与社保缴费记录不符，资格审核不严。"


def _user(users: dict[str, User], username: str) -> User | None:
    return users.get(username) or User.objects.filter(username=username, is_active=True).first()


def _issuer(institution_id: int) -> User | None:
    for a in (
        RoleAssignment.objects.current()
        .filter(org_id=institution_id)
        .select_related("user", "role")
        .order_by("pk")
    ):
        if "certificate.issue" in (a.role.capabilities or []) and a.user.is_active:
            user: User = a.user
            return user
    return None


def _valid(programme: str) -> list[Certificate]:
    return list(
        Certificate.objects.filter(
            programme=programme, status=Certificate.Status.VALID, kind__in=["skill", "level"]
        )
        .select_related("institution")
        .order_by("pk")
    )


def build_invalidations(orgs: dict[str, Org], users: dict[str, User]) -> None:
    if Invalidation.objects.exists():
        return
    city = _user(users, "cd_official")
    skill = _valid("skill")
    if city is not None and len(skill) >= 3:
        issuer = _issuer(skill[0].institution_id)
        if issuer is not None:
            decided = svc.invalidation_open(actor=city, certificate=skill[0], cause="cheating",
                                            scope="certificate", finding=FINDING)  # fmt: skip
            svc.invalidation_state(actor=issuer, invalidation=decided, statement=STATEMENT)
            svc.invalidation_decide(
                actor=city, invalidation=decided, reason="依据001第二十九条（二）宣布证书无效。"
            )
            svc.invalidation_open(actor=city, certificate=skill[1], cause="irregular_grading", scope="score",
                                  finding="技能操作评分表中两名考评员的评分完全相同且无评分记录，评分不规范。")  # fmt: skip
            certificate_reissue(
                actor=issuer, certificate=skill[2], kind="lost", reason="持证人搬家时遗失，本人申请补发。"
            )
    province = _user(users, "hb_official")
    dte = _valid("dte")
    if province is not None and dte:
        issuer = _issuer(dte[0].institution_id)
        if issuer is not None:
            stated = svc.invalidation_open(actor=province, certificate=dte[0], cause="lax_eligibility",
                                           scope="certificate", finding=DTE_FINDING)  # fmt: skip
            svc.invalidation_state(actor=issuer, invalidation=stated,
                                   statement="该考生提交的工作年限证明由原单位出具，本机构未核对社保记录，已整改审核流程。")  # fmt: skip
