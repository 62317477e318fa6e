"""Passwords: a person changes their own (the forced change after a reset or a first sign-in), and
resets a forgotten one with a one-time code sent by SMS or e-mail (accounts.messaging).

The code is 6 digits, stored only as a keyed digest (HMAC-SM3, core.crypto.blind_index), expires after
`PEIYU_RESET_CODE_MINUTES`, is spent after `PEIYU_RESET_CODE_ATTEMPTS` wrong tries or one successful
reset, and requests are throttled per account name and per address (`PEIYU_RESET_CODE_PER_HOUR`). The
answers never tell whether an account exists: a request always says the same, a wrong name and a wrong
code fail with the same message."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from peiyu.audit.services import audit_record
from peiyu.core.cache import counted_over_limit
from peiyu.core.crypto import blind_index
from peiyu.core.errors import InvalidInput

from .. import messaging
from ..models import PasswordResetCode, User
from .users import password_problems

PURPOSE = "password_reset"
CODE_SENT = "如果该账户存在并登记了手机号码或电子邮箱，验证码已发送，请在有效期内使用"
CODE_WRONG = "验证码不正确或已失效，请重新获取"
THROTTLED = "获取验证码过于频繁，请一小时后再试"


def _digest(user: User, code: str) -> str:
    return blind_index(f"{user.pk}:{code}", PURPOSE)


def _throttled(*keys: str) -> bool:
    """Count one request against each key (an hour's window); True when any is over the limit."""
    return counted_over_limit("peiyu:reset", keys, limit=settings.PEIYU_RESET_CODE_PER_HOUR, ttl=3600)


def _new_password(errors: dict[str, list[str]], user: User, password: str, confirm: str) -> None:
    if password != confirm:
        errors["new_password_confirm"] = ["两次输入的新密码不一致"]
    problems = password_problems(password, user)
    if problems:
        errors["new_password"] = problems


def password_change(*, user: User, old_password: str, new_password: str, new_password_confirm: str) -> User:
    """A signed-in person changes their own password (and so ends a forced change)."""
    errors: dict[str, list[str]] = {}
    if not user.check_password(old_password or ""):
        errors["old_password"] = ["原密码不正确"]
    elif new_password and new_password == old_password:
        errors["new_password"] = ["新密码不能与原密码相同"]
    _new_password(errors, user, new_password or "", new_password_confirm or "")
    if errors:
        raise InvalidInput("密码修改未成功，请按提示修改", fields=errors)
    with transaction.atomic():
        user.set_password(new_password)
        forced = user.must_change_password
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        audit_record(user, "user.password_changed", user, after={"forced": forced})
    return user


def reset_code_request(*, username: str, address: str = "") -> str:
    """Send a one-time code to the account's phone or e-mail. Always answers CODE_SENT (no account
    enumeration), unless the name or the address has asked too often."""
    username = (username or "").strip()[:150]
    if not username:
        raise InvalidInput("请填写用户名", fields={"username": ["请填写用户名"]})
    if _throttled("user:" + username.lower(), "ip:" + (address or "")):
        raise InvalidInput(THROTTLED, code="throttled", fields={"username": [THROTTLED]})
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        audit_record(None, "user.reset_code_unknown", None, after={"username": username})
        return CODE_SENT
    code = f"{secrets.randbelow(1_000_000):06d}"
    minutes = settings.PEIYU_RESET_CODE_MINUTES
    with transaction.atomic():
        user.reset_codes.filter(used_at__isnull=True).update(used_at=timezone.now())
        channel = messaging.deliver(
            phone=user.phone or "",
            email=user.email or "",
            subject="培育平台密码重置验证码",
            text=f"【培育平台】您的密码重置验证码为 {code}，{minutes}分钟内有效。如非本人操作，请忽略。",
        )
        if channel:
            PasswordResetCode.objects.create(
                user=user,
                channel=channel,
                digest=_digest(user, code),
                expires_at=timezone.now() + timedelta(minutes=minutes),
            )
        audit_record(user, "user.reset_code_sent", user, after={"channel": channel or "none"})
    return CODE_SENT


def password_reset_with_code(
    *, username: str, code: str, new_password: str, new_password_confirm: str
) -> User:
    """Set a new password with a valid code. A wrong name or code fails as CODE_WRONG; each wrong try
    counts against the account's current code."""
    username = (username or "").strip()[:150]
    code = (code or "").strip()
    user = User.objects.filter(username=username, is_active=True).first()
    now = timezone.now()
    with transaction.atomic():
        current = (
            PasswordResetCode.objects.select_for_update()
            .filter(user=user, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
            if user is not None
            else None
        )
        if user is None or current is None or not secrets.compare_digest(current.digest, _digest(user, code)):
            if current is not None:
                current.attempts += 1
                if current.attempts >= settings.PEIYU_RESET_CODE_ATTEMPTS:
                    current.used_at = now
                current.save(update_fields=["attempts", "used_at"])
                audit_record(None, "user.reset_code_failed", user, after={"attempts": current.attempts})
            wrong = InvalidInput(CODE_WRONG, code="reset_code_wrong", fields={"code": [CODE_WRONG]})
        else:
            wrong = None
    if wrong is not None:
        raise wrong
    assert user is not None and current is not None
    errors: dict[str, list[str]] = {}
    _new_password(errors, user, new_password or "", new_password_confirm or "")
    if errors:
        raise InvalidInput("密码重置未成功，请按提示修改", fields=errors)
    with transaction.atomic():
        if not PasswordResetCode.objects.filter(pk=current.pk, used_at__isnull=True).update(used_at=now):
            raise InvalidInput(CODE_WRONG, code="reset_code_wrong", fields={"code": [CODE_WRONG]})
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        audit_record(user, "user.password_reset_by_code", user, after={"channel": current.channel})
    return user
