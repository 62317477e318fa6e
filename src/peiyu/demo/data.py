"""Realistic demo data for every journey: the bodies of the five profiles' jurisdictions, institutions
with valid credit codes, and one account per role. Idempotent: running it twice changes nothing.
Each app adds its own demo section from its hooks (core.registry.register_demo_section)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from peiyu.accounts.models import Org, Role, RoleAssignment, User
from peiyu.audit.services import audit_record
from peiyu.core.identifiers import uscc_with_check
from peiyu.core.registry import demo_sections

# how `peiyu demo` names the apps' sections while it builds them (a section not named here shows its key)
SECTION_LABELS = {
    "accounts": "账户：机构注册、省级安全管理员、批量创建示例",
    "institutions": "机构目录：申报、评审、公示、目录",
    "training": "培训：计划、开班、名册、考勤、结业",
    "exams": "评价考核：考点、题库、考核批次、上机考试、成绩公示",
}

DEMO_PASSWORD = "Peiyu@2026demo"  # noqa: S105 - printed by `peiyu demo`; demo data only


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    org: str
    journey: str


ORGS = [
    # key, name, kind, region, uscc body (17), recommended_by key
    ("platform", "培育平台运营中心", "platform", None, None, None),
    ("cg", "专业技术人才知识更新工程指导协调小组办公室", "coordination_group", None, None, None),
    ("ln", "辽宁省人力资源和社会保障厅", "hrss_province", "210000", None, None),
    ("sy", "沈阳市人力资源和社会保障局", "hrss_city", "210100", None, None),
    ("dl", "大连市人力资源和社会保障局", "hrss_city", "210200", None, None),
    ("hb", "湖北省人力资源和社会保障厅", "hrss_province", "420000", None, None),
    ("wh", "武汉市人力资源和社会保障局", "hrss_city", "420100", None, None),
    ("sc", "四川省人力资源和社会保障厅", "hrss_province", "510000", None, None),
    ("cd", "成都市人力资源和社会保障局", "hrss_city", "510100", None, None),
    ("cdc", "成都市职业能力建设指导中心", "capacity_centre", "510100", None, None),
    ("wuhou", "成都市武侯区人力资源和社会保障局", "hrss_district", "510107", None, None),
    ("fj", "福建省人力资源和社会保障厅", "hrss_province", "350000", None, None),
    ("fz", "福州市人力资源和社会保障局", "hrss_city", "350100", None, None),
    ("ln_miit", "辽宁省工业和信息化厅", "industry_authority", "210000", None, None),
    ("inst_sy_ai", "沈阳智算科技有限公司", "institution", "210106", "91210106MA0T8K1A2", "ln_miit"),
    ("inst_dl_data", "大连海数职业培训学校", "institution", "210204", "52210204MJ0A7C3B1", "ln_miit"),
    ("inst_wh_cloud", "武汉云启数字技术有限公司", "institution", "420106", "91420106MA4K9P2C7", None),
    ("inst_wh_eval", "湖北数智技能评价中心", "institution", "420106", "52420106MJ0H2K8E4", None),
    ("inst_cd_social", "成都市数字技能评价服务中心", "institution", "510107", "52510107MJ0B5R6D3", None),
    ("inst_cd_employer", "成都航宇精密制造股份有限公司", "institution", "510107", "91510107MA6C4N8E5", None),
    ("inst_fz_school", "福州职业技能培训学校", "institution", "350102", "52350102MJ0D3W4F2", None),
    ("online", "海峡在线职业培训平台", "online_platform", "350100", "91350100MA3E2H7G9", None),
]

ACCOUNTS = [
    DemoAccount("sysadmin", "赵系统", "sysadmin", "platform", "参考数据、节假日、政策版本"),
    DemoAccount("secadmin", "钱安全", "secadmin", "platform", "用户、角色、解锁"),
    DemoAccount("auditor", "孙审计", "auditor", "platform", "审计日志与哈希链校验"),
    DemoAccount("cg_official", "李协调", "coordination_official", "cg", "遴选决定、证书审核"),
    DemoAccount("ln_official", "周省厅", "province_official", "ln", "辽宁：专家评审、公示"),
    DemoAccount("sy_official", "吴沈阳", "city_official", "sy", "沈阳：审核推荐、配额"),
    DemoAccount("dl_official", "郑大连", "city_official", "dl", "大连：审核推荐"),
    DemoAccount("hb_official", "王湖北", "province_official", "hb", "湖北：证书确认、培训监管"),
    DemoAccount("cd_official", "冯成都", "city_official", "cd", "成都：备案、监督"),
    DemoAccount("cdc_official", "陈职建", "capacity_centre_official", "cdc", "成都：技术评审"),
    DemoAccount("wuhou_official", "褚武侯", "district_official", "wuhou", "武侯：初审推荐、随机检查"),
    DemoAccount("fj_official", "卫福建", "province_official", "fj", "福建：培训监管、补贴"),
    DemoAccount("fz_official", "林福州", "city_official", "fz", "福州：开班审核、过程检查、培训报告"),
    DemoAccount("wh_official", "胡武汉", "city_official", "wh", "武汉：培训计划备案、培训报告"),
    DemoAccount("ln_miit_official", "蒋工信", "industry_official", "ln_miit", "行业主管：谁推荐谁负责"),
    DemoAccount("inst_sy_admin", "沈智算", "institution_admin", "inst_sy_ai", "机构：申报、培训"),
    DemoAccount("inst_cd_admin", "韩评价", "institution_admin", "inst_cd_social", "成都社评组织：备案、考核"),
    DemoAccount("inst_fz_admin", "杨培训", "institution_admin", "inst_fz_school", "福建：开班、名册、结业"),
    DemoAccount(
        "inst_wh_admin", "程云启", "institution_admin", "inst_wh_cloud", "湖北：数字技术工程师培训、结业报告"
    ),
    DemoAccount("online_platform", "海峡平台", "online_platform", "online", "线上学习记录推送"),
    DemoAccount("expert_li", "李专家", "expert", "platform", "专家评议"),
    DemoAccount("trainee_zhang", "张学员", "trainee", "platform", "学员：课程、学时、证书"),
]


def build_demo(progress: Callable[[str], Callable[[], None]] | None = None) -> list[DemoAccount]:
    """Build everything; `progress(label)` is called before each step and returns what to call when the
    step is done (the demo command prints both, so a newcomer sees which long step is running)."""
    step = progress or (lambda _label: lambda: None)
    done = step("单位与账户")
    with transaction.atomic():
        orgs: dict[str, Org] = {}
        for key, name, kind, region, body, recommender in ORGS:
            uscc = uscc_with_check(body) if body else None
            org = Org.objects.filter(name=name, kind=kind).first()
            if org is None:
                org = Org.objects.create(
                    name=name,
                    kind=kind,
                    region_id=region,
                    uscc=uscc,
                    recommended_by=orgs.get(recommender or ""),
                )
                audit_record(None, "demo.org_created", org, after={"name": name, "kind": kind})
            orgs[key] = org
        users: dict[str, User] = {}
        for account in ACCOUNTS:
            org = orgs[account.org]
            user = User.objects.filter(username=account.username).first()
            if user is None:
                user = User(username=account.username, full_name=account.full_name, primary_org=org)
                user.set_password(DEMO_PASSWORD)
                user.save()
                role = Role.objects.get(code=account.role)
                RoleAssignment.objects.create(
                    user=user, role=role, org=org, region_id=org.region_id, separation=role.separation
                )
                audit_record(None, "demo.user_created", user, after={"role": account.role})
            users[account.username] = user
    done()
    for section in demo_sections():
        done = step(SECTION_LABELS.get(section.name, section.name))
        with transaction.atomic():
            section.build(orgs, users)
        done()
    return ACCOUNTS
