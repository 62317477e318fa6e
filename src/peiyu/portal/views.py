from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from peiyu.accounts.models import Region
from peiyu.core.policy_schema import PARAMETERS
from peiyu.core.selectors import policies_public

from .policy_values import occupation_names, value_text

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
    occupations = occupation_names(profiles)
    for p in profiles:
        for param in p["parameters"]:
            param["label"] = PARAMETERS[param["name"]].label
            param["value"] = value_text(
                param["name"], param["value"], region_names=names, occupations=occupations
            )
    return render(request, "portal/policies.html", {"profiles": profiles, "programmes": PROGRAMMES})
