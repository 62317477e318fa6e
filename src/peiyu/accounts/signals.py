"""Sign-ins, sign-outs, failures and lockouts are audit events (SEC-2); connected by accounts.hooks."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from peiyu.audit.services import audit_record


def _logged_in(sender, request, user, **kwargs):
    audit_record(user, "auth.login", user)


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(user, "auth.logout", user)


def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    user = get_user_model().objects.filter(username=username).first()
    audit_record(None, "auth.login_failed", user, after={"username": username})


def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    user = get_user_model().objects.filter(username=username or "").first()
    audit_record(None, "auth.locked_out", user, after={"username": username, "ip": ip_address})


def connect() -> None:
    """Idempotent (each receiver has a dispatch_uid)."""
    user_logged_in.connect(_logged_in, dispatch_uid="accounts.logged_in")
    user_logged_out.connect(_logged_out, dispatch_uid="accounts.logged_out")
    user_login_failed.connect(_login_failed, dispatch_uid="accounts.login_failed")
    user_locked_out.connect(_locked_out, dispatch_uid="accounts.locked_out")
