"""What training contributes to a catalog entry's results (DIR-2 report, DIR-3 volume test): the
person-times trained under the entry in a calendar year, counted from the platform's own records.

A person-time is one enrolment, not withdrawn, in a class of a plan filed under the entry that has
actually run (培训中 or 已结业), counted in the year the class started. Registered in training/hooks.py
at `institutions.selectors.listings.VOLUME_POINT`, so the renewal report and the forfeiture tick read it."""

from __future__ import annotations

from ..models import Enrolment, TrainingClass

RAN = (TrainingClass.Status.RUNNING, TrainingClass.Status.COMPLETED)


def persons_trained(listing, year: int) -> int:
    """Person-times trained under `listing` in classes that started in `year`."""
    return (
        Enrolment.objects.filter(
            klass__plan__listing_id=listing.pk,
            klass__status__in=RAN,
            klass__starts_on__year=year,
        )
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .count()
    )
