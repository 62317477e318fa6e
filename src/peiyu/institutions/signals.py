"""What the public catalog shows changed: its cached pages are out of date (core.cache). Every write
to a listing, its validity periods or its status history, and to the names the catalog prints
(regions, occupations, levels), goes through here, whichever service, command or admin page made it.
Connected by institutions.hooks."""

from django.db.models.signals import post_delete, post_save

from peiyu.accounts.models import Region
from peiyu.catalogs.models import Level, Occupation
from peiyu.core.models import TransitionLog

from .models import Listing, ListingPeriod
from .selectors.catalog import CATALOG_GENERATION

_LISTING = Listing._meta.label_lower


def _catalog_changed(sender, **kwargs):
    CATALOG_GENERATION.bump_with_commit()


def _listing_history_changed(sender, instance, **kwargs):
    if instance.subject_type == _LISTING:
        CATALOG_GENERATION.bump_with_commit()


def connect() -> None:
    """Idempotent (each receiver has a dispatch_uid)."""
    for model in (Listing, ListingPeriod, Region, Occupation, Level):
        for signal in (post_save, post_delete):
            signal.connect(_catalog_changed, sender=model, dispatch_uid="institutions.catalog_changed")
    post_save.connect(
        _listing_history_changed, sender=TransitionLog, dispatch_uid="institutions.listing_history_changed"
    )
