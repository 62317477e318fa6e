"""URLs of accounts under /accounts/ (namespace `accounts`); every view module is listed by name.
The workbench /home/ is mounted by config.urls."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from .views import imports, passwords, signin, signups, staff, users

app_name = "accounts"

urlpatterns = [
    path("login/", login_not_required(signin.LoginView.as_view()), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("otp/setup/", signin.otp_setup, name="otp_setup"),
    path("otp/verify/", signin.otp_verify, name="otp_verify"),
    *passwords.urlpatterns,
    *signups.public_urlpatterns,
    *signups.urlpatterns,
    *staff.urlpatterns,
    *users.urlpatterns,
    *imports.urlpatterns,
]
