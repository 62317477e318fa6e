from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from peiyu.accounts.models import Region
from peiyu.core.policy_schema import PARAMETERS
from peiyu.core.selectors import policies_public

PROGRAMMES = {
    "dte": _("数字技术工程师培育项目"),
    "skill": _("职业技能等级认定"),
    "subsidised": _("补贴性职业技能培训"),
}


@login_not_required
def home(request):
    profiles = policies_public()
    return render(request, "portal/home.html", {"profiles": profiles, "programmes": PROGRAMMES})


@login_not_required
def policies(request):
    profiles = policies_public()
    names = dict(Region.objects.values_list("code", "name"))
    for p in profiles:
        for param in p["parameters"]:
            param["label"] = PARAMETERS[param["name"]].label
            param["value"] = _display(param["value"], names)
    return render(request, "portal/policies.html", {"profiles": profiles, "programmes": PROGRAMMES})


def _display(value, region_names):
    """Parameter values as officials write them: ISO dates, lists joined, quotas with overrides."""
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict) and "default" in value:
        extra = "；".join(f"{region_names.get(code, code)}：{n}" for code, n in value["overrides"].items())
        return f"{value['default']}" + (f"（{extra}）" if extra else "")
    return str(value)
