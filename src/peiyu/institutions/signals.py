"""What the public catalog shows changed: its cached pages are out of date (core.cache). Every write
to a listing, its validity periods or its status history, and to the names the catalog prints
(regions, occupations, levels), goes through here, whichever service, command or admin page made it."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from peiyu.accounts.models import Region
from peiyu.catalogs.models import Level, Occupation
from peiyu.core.models import TransitionLog

from .models import Listing, ListingPeriod
from .selectors.catalog import CATALOG_GENERATION

_LISTING = Listing._meta.label_lower


@receiver([post_save, post_delete], sender=Listing)
@receiver([post_save, post_delete], sender=ListingPeriod)
@receiver([post_save, post_delete], sender=Region)
@receiver([post_save, post_delete], sender=Occupation)
@receiver([post_save, post_delete], sender=Level)
def _catalog_changed(sender, **kwargs):
    CATALOG_GENERATION.bump_with_commit()


@receiver(post_save, sender=TransitionLog)
def _listing_history_changed(sender, instance, **kwargs):
    if instance.subject_type == _LISTING:
        CATALOG_GENERATION.bump_with_commit()
