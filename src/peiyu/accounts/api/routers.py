"""The accounts API routers, listed by name (mounted at /api/v1/ by config.api)."""

from . import imports, me, orgs, passwords, signups, staff, tokens, users

ROUTERS = [
    me.router,
    orgs.router,
    imports.router,  # before users: /accounts/import ahead of /accounts/{user_id}
    users.router,
    staff.router,
    signups.router,
    passwords.router,
    tokens.router,
]
