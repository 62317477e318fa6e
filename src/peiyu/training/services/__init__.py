"""Writes of the training app (DESIGN conventions §1): one transaction, permission, rule checks, audit."""
