"""Writes of the accounts app, one module per sub-area: access (the permission check every app's
services use), orgs, signups, users, staff, imports, roles, passwords, tokens, bootstrap."""
