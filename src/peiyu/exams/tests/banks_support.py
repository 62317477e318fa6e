"""Helpers of the bank tests: a bank with its sample blueprint and no items, item data per type."""

from __future__ import annotations

from typing import Any

from peiyu.exams.models import QuestionBank

from . import factories


def empty_bank(world: Any, *, level: str = "四级") -> QuestionBank:
    return factories.bank(world.orgs["cd_social1"], world.users["cd_setter"], level=level, per_cell=0)


def data(item_type: str = "single", **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"area_code": "A", "difficulty": 2}
    base.update(
        {
            "single": {"stem": "安全电压一般不超过（  ）V。", "options": "36\n110\n220\n380", "answer": "A"},
            "multiple": {"stem": "下列属于绝缘工具的有", "options": ["绝缘手套", "绝缘靴", "钢丝钳"], "answer": "ab"},
            "true_false": {"stem": "停电作业前必须验电。", "answer": "对"},
            "fill": {"stem": "我国工频为（  ）Hz。", "answer": "50\n五十"},
            "short": {"stem": "简述触电急救步骤。", "answer": "脱离电源……", "criteria": "脱离电源|2\n心肺复苏|3"},
            "practical": {"stem": "照明电路安装", "materials": "配电板", "minutes": "60",
                          "criteria": "安全操作|40\n接线正确|60", "area_code": "C"},
        }[item_type]
    )  # fmt: skip
    base.update(extra)
    return base


def user_with_roles(world: Any, key: str, *roles: str, org_key: str = "cd_social1") -> Any:
    """A user of the organisation holding several roles at once (to test the three-person rule)."""
    from peiyu.accounts.models import Role, RoleAssignment
    from tests.personas import _user

    org = world.orgs[org_key]
    user = _user(world, key, org, roles[0])
    for code in roles[1:]:
        role = Role.objects.get(code=code)
        RoleAssignment.objects.create(
            user=user, role=role, org=org, region_id=org.region_id, separation=role.separation
        )
    return user
