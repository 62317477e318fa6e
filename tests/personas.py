"""A small, complete world: regions, organisations and one user per role, in two cities of one
province (Shenyang 210100, Dalian 210200) and in Hubei, Sichuan (Chengdu) and at national level."""

from __future__ import annotations

from dataclasses import dataclass, field

from peiyu.accounts.models import Org, Region, RoleAssignment, User
from peiyu.accounts.services.roles import roles_load
from peiyu.core.identifiers import uscc_with_check

PASSWORD = "Peiyu-Test-2026!"

REGIONS = [
    ("210000", "辽宁省", 1, None),
    ("210100", "沈阳市", 2, "210000"),
    ("210102", "和平区", 3, "210100"),
    ("210200", "大连市", 2, "210000"),
    ("210202", "中山区", 3, "210200"),
    ("420000", "湖北省", 1, None),
    ("420100", "武汉市", 2, "420000"),
    ("510000", "四川省", 1, None),
    ("510100", "成都市", 2, "510000"),
    ("510107", "武侯区", 3, "510100"),
    ("350000", "福建省", 1, None),
    ("350100", "福州市", 2, "350000"),
]


@dataclass
class World:
    orgs: dict[str, Org] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str):
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def ensure_regions() -> None:
    for code, name, level, parent in REGIONS:
        Region.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent})


def _org(world: World, key: str, name: str, kind: str, region: str | None, **extra) -> Org:
    org = Org.objects.create(name=name, kind=kind, region_id=region, **extra)
    world.orgs[key] = org
    return org


def _user(world: World, key: str, org: Org, role: str, region: str | None = "__org__") -> User:
    user = User.objects.create_user(username=key, password=PASSWORD, full_name=key, primary_org=org)
    from peiyu.accounts.models import Role

    RoleAssignment.objects.create(
        user=user,
        role=Role.objects.get(code=role),
        org=org,
        region_id=org.region_id if region == "__org__" else region,
        separation=Role.objects.get(code=role).separation,
    )
    world.users[key] = user
    return user


def build_world() -> World:
    ensure_regions()
    roles_load()
    w = World()
    platform = _org(w, "platform", "平台运营中心", "platform", None)
    cg = _org(w, "cg", "专业技术人才知识更新工程指导协调小组办公室", "coordination_group", None)
    ln = _org(w, "ln", "辽宁省人力资源和社会保障厅", "hrss_province", "210000")
    sy = _org(w, "sy", "沈阳市人力资源和社会保障局", "hrss_city", "210100")
    dl = _org(w, "dl", "大连市人力资源和社会保障局", "hrss_city", "210200")
    hp = _org(w, "hp", "沈阳市和平区人力资源和社会保障局", "hrss_district", "210102")
    hb = _org(w, "hb", "湖北省人力资源和社会保障厅", "hrss_province", "420000")
    cd = _org(w, "cd", "成都市人力资源和社会保障局", "hrss_city", "510100")
    cdc = _org(w, "cdc", "成都市职业能力建设指导中心", "capacity_centre", "510100")
    ia = _org(w, "ia", "辽宁省工业和信息化厅", "industry_authority", "210000")
    ia2 = _org(w, "ia2", "辽宁省通信管理局", "industry_authority", "210000")
    inst_sy = _org(w, "inst_sy", "沈阳智算科技有限公司", "institution", "210102",
                   uscc=uscc_with_check("91210102MA0Y00001"), recommended_by=ia)  # fmt: skip
    inst_dl = _org(w, "inst_dl", "大连海数职业培训学校", "institution", "210202",
                   uscc=uscc_with_check("52210202MJ0Y00002"), recommended_by=ia2)  # fmt: skip
    _user(w, "sysadmin", platform, "sysadmin", None)
    _user(w, "secadmin", platform, "secadmin", None)
    _user(w, "auditor", platform, "auditor", None)
    _user(w, "cg_official", cg, "coordination_official", None)
    _user(w, "ln_official", ln, "province_official")
    _user(w, "sy_official", sy, "city_official")
    _user(w, "dl_official", dl, "city_official")
    _user(w, "hp_official", hp, "district_official")
    _user(w, "hb_official", hb, "province_official")
    _user(w, "cd_official", cd, "city_official")
    _user(w, "cdc_official", cdc, "capacity_centre_official")
    _user(w, "ia_official", ia, "industry_official")
    _user(w, "ia2_official", ia2, "industry_official")
    _user(w, "sy_inst_admin", inst_sy, "institution_admin")
    _user(w, "dl_inst_admin", inst_dl, "institution_admin")
    _user(w, "sy_secadmin", sy, "secadmin")
    _user(w, "dl_auditor", dl, "auditor")
    _user(w, "dl_secadmin", dl, "secadmin")
    _user(w, "sy_auditor", sy, "auditor")
    _user(w, "ln_sysadmin", ln, "sysadmin")
    return w
