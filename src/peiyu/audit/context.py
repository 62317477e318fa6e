"""The client address of the current request, for audit events written deep inside services."""

from __future__ import annotations

from contextvars import ContextVar, Token

_ip: ContextVar[str] = ContextVar("peiyu_audit_ip", default="")


def current_ip() -> str:
    return _ip.get()


def set_ip(value: str) -> Token[str]:
    return _ip.set(value)


def reset_ip(token: Token[str]) -> None:
    _ip.reset(token)
