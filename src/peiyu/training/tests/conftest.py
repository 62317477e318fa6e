"""Fixtures of the training tests: the personas' world with policies, occupations and levels loaded, a
Fujian province, city and institution beside the Liaoning ones, and training listings to plan under."""

from __future__ import annotations

import datetime as dt

import pytest

from peiyu.accounts.models import Region
from peiyu.catalogs.models import Occupation
from peiyu.institutions.models import Listing
from peiyu.institutions.tests import factories as directory_factories
from tests.personas import _org, _user

DAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
AI = ("2-02-38-01", "人工智能工程技术人员")
ELECTRICIAN = ("6-31-01-03", "电工")


def listing(
    org, number: str, *, programme: str, occupation, levels, status="active", kind="training", **extra
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


@pytest.fixture
def training(db, time_machine):
    """The personas' world built on DAY (so their role assignments have begun), with the policy
    profiles; Shenyang's institution listed for AI training (初级, 中级); a Fuzhou institution listed
    for subsidised electrician training (五级, 四级) under the Fujian profile; Fujian officials."""
    from peiyu.core.policy import load_policy_files
    from tests.personas import build_world

    time_machine.move_to(DAY, tick=False)
    world = build_world()
    load_policy_files()
    directory_factories.load_reference()
    Occupation.objects.get_or_create(
        code=ELECTRICIAN[0],
        defaults={"name": ELECTRICIAN[1], "programme": "skill", "kind": "skill", "confidence": "confirmed"},
    )
    Region.objects.get_or_create(
        code="350102", defaults={"name": "鼓楼区", "level": 3, "parent_id": "350100"}
    )
    fj = _org(world, "fj", "福建省人力资源和社会保障厅", "hrss_province", "350000")
    fz = _org(world, "fz", "福州市人力资源和社会保障局", "hrss_city", "350100")
    inst_fz = _org(world, "inst_fz", "福州榕城职业培训学校", "institution", "350102")
    _user(world, "fj_official", fj, "province_official")
    _user(world, "fz_official", fz, "city_official")
    _user(world, "fz_inst_admin", inst_fz, "institution_admin")
    world.listings = {
        "sy_ai": listing(
            world.orgs["inst_sy"], "LT-SY-AI", programme="dte", occupation=AI, levels=["初级", "中级"]
        ),
        "fz_elec": listing(
            inst_fz, "LT-FZ-EL", programme="subsidised", occupation=ELECTRICIAN, levels=["五级", "四级"]
        ),
    }
    world.evaluator = _org(world, "eval_sy", "沈阳数智评价中心", "institution", "210102")
    return world
