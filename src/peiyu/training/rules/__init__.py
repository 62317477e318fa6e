"""Pure training rules (TRN-1…13): each returns a core.checks.Check citing its rule id."""
