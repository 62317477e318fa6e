"""Cache invalidation for reference data read on hot paths (calendar, policy)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Holiday, PolicyVersion


@receiver([post_save, post_delete], sender=Holiday)
def _holiday_changed(sender, instance, **kwargs):
    from .calendar import forget_year

    forget_year(instance.date.year)


@receiver(post_save, sender=PolicyVersion)
def _policy_changed(sender, instance, **kwargs):
    from .policy import bump_generation

    bump_generation()
