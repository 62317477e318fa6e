"""The certificates API routers, one module per area, listed by name (mounted at /api/v1/ by config.api)."""

from . import batches, certificates, certificates_training, invalidations, keys, templates, verification, wallet

ROUTERS = [
    keys.router,
    templates.router,
    batches.router,
    certificates.router,
    certificates_training.router,
    verification.router,
    invalidations.router,
    wallet.router,
]
