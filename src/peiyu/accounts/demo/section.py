"""The accounts demo section (journey 12, an institution joins; account administration), registered by
accounts.hooks. Through the services: the Liaoning province's own security administrator (created by the
platform's), two Shenyang district bureaus, a Shenyang company's sign-up pending on the Shenyang bureau's
to-do list, and an xlsx list (two district officials and an expert) for the provincial security
administrator to import. Idempotent."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from peiyu.core.identifiers import uscc_with_check

from ..models import Org, User
from ..services import imports, orgs, signups, users

DEMO_PASSWORD = "Peiyu@2026demo"  # noqa: S105 - demo data only, the password `peiyu demo` prints
SIGNUP_USC_BODY = "91210105MA0T9J1A7"
SIGNUP = {
    "name": "沈阳启明智能科技有限公司",
    "legal_rep_name": "高启明",
    "contact_name": "于晓燕",
    "contact_phone": "13904001212",
    "contact_email": "yuxy@example.cn",
    "username": "qiming_admin",
}
DISTRICTS = [
    ("沈阳市和平区人力资源和社会保障局", "210102"),
    ("沈阳市浑南区人力资源和社会保障局", "210112"),
]
# the list the provincial security administrator imports (journey 12)
IMPORT_ROWS = [
    ("hp_official", "宋和平", "沈阳市和平区人力资源和社会保障局", "区县人社工作人员", "", "13904002101", ""),
    ("hn_official", "韩浑南", "沈阳市浑南区人力资源和社会保障局", "区县人社工作人员", "", "13904002102", ""),
    ("expert_liu", "刘书涵", "辽宁省人力资源和社会保障厅", "评审专家", "", "", "liush@example.cn"),
]
SAMPLE_NAME = "accounts-import-sample.xlsx"
SAMPLE_HINT = "var/demo/" + SAMPLE_NAME  # where `peiyu demo` writes it (under PEIYU_VAR_DIR)


def _ready(user: User) -> None:
    """Demo accounts sign in with the printed password (no forced change in the demo)."""
    user.set_password(DEMO_PASSWORD)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])


def build(orgs_by_key: dict[str, Any], users_by_name: dict[str, Any]) -> None:
    secadmin, sysadmin = users_by_name["secadmin"], users_by_name["sysadmin"]
    ln = orgs_by_key["ln"]
    if not User.objects.filter(username="ln_secadmin").exists():
        user, _a = users.account_create(
            actor=secadmin,
            username="ln_secadmin",
            full_name="辽安全",
            org=ln,
            role_code="secadmin",
            password=DEMO_PASSWORD,
            phone="13904000110",
        )
        _ready(user)
    users_by_name["ln_secadmin"] = User.objects.get(username="ln_secadmin")
    for name, region in DISTRICTS:
        if not Org.objects.filter(name=name).exists():
            orgs.org_create(actor=sysadmin, name=name, kind=Org.Kind.HRSS_DISTRICT, region_code=region)
    if not Org.objects.filter(name=SIGNUP["name"]).exists():
        org = signups.org_signup(
            data={
                **SIGNUP,
                "uscc": uscc_with_check(SIGNUP_USC_BODY),
                "region_code": "",
                "password": DEMO_PASSWORD,
                "password_confirm": DEMO_PASSWORD,
            }
        )
        orgs_by_key["sy_qiming"] = org
    users_by_name["qiming_admin"] = User.objects.get(username="qiming_admin")
    sample = settings.VAR_DIR / "demo" / SAMPLE_NAME
    sample.parent.mkdir(parents=True, exist_ok=True)
    sample.write_bytes(imports.import_template_xlsx(IMPORT_ROWS))
