from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from peiyu.accounts.views import signin as account_views
from peiyu.core import views as core_views
from peiyu.core.admin_site import site as admin_site

from .api import api

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("api/v1/", api.urls),
    path("accounts/", include("peiyu.accounts.urls")),
    path("home/", account_views.home, name="home"),
    path("audit/", include("peiyu.audit.urls")),
    path("admin/", admin_site.urls),
    path("demo/", include("peiyu.demo.urls")),
    path("occupations/", include("peiyu.catalogs.urls")),
    path("", include("peiyu.institutions.urls")),
    path("", include("peiyu.training.urls")),
    path("", include("peiyu.exams.urls")),
    path("", include("peiyu.certificates.urls")),
    path("", include("peiyu.portal.urls")),
]
