"""Scoped reads of the accounts app, one module per sub-area (orgs, signups, users, staff, roles,
regions, tokens, actions)."""
