"""The client address of the current request, for audit events written deep inside services."""

from __future__ import annotations

from contextvars import ContextVar

_ip: ContextVar[str] = ContextVar("peiyu_audit_ip", default="")


def current_ip() -> str:
    return _ip.get()


def set_ip(value: str):
    return _ip.set(value)


def reset_ip(token) -> None:
    _ip.reset(token)
