"""The certificates API routers, one module per area, listed by name (mounted at /api/v1/ by config.api).
FIRST are mounted before every other app's routes: public verification takes national-scale traffic and
Django tries URL patterns in order."""

from . import (
    batches,
    certificates,
    certificates_training,
    invalidations,
    keys,
    templates,
    verification,
    wallet,
)

ROUTERS = [
    keys.router,
    templates.router,
    batches.router,
    certificates.router,
    certificates_training.router,
    invalidations.router,
    wallet.router,
]
FIRST = [verification.router]
