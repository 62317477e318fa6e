"""Time-based states of the directory advanced by `peiyu tick`: notices ending, listings expiring and
forfeited. The handlers live with their services; importing registers them."""

from .services import listings, notices  # noqa: F401
