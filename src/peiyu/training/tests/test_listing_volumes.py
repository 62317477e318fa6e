"""Training's contribution to a catalog entry's results (DIR-2 report, DIR-3 volume test): person-times
trained under the entry, counted from the platform's classes and enrolments, so the renewal report is
pre-filled from what the institution did on the platform."""

from __future__ import annotations

import pytest

from peiyu.core.registry import extensions
from peiyu.institutions.models import ListingVolume
from peiyu.institutions.selectors import listings as listing_reads
from peiyu.training.models import Enrolment, TrainingClass
from peiyu.training.selectors.volumes import persons_trained

from . import completion_factories as f

pytestmark = pytest.mark.django_db


def test_training_is_registered_as_a_source_of_listing_volumes():
    assert persons_trained in extensions(listing_reads.VOLUME_POINT)


def test_enrolments_of_classes_that_ran_count_in_their_start_year(training):
    p = f.plan(training)
    ran = f.klass(p)  # 培训中, started 2026-01-10
    done = f.klass(p, status=TrainingClass.Status.COMPLETED)
    for i, k in enumerate((ran, ran, done)):
        f.enrol(k, f.trainee(f"张{'一二三'[i]}"))
    gone = f.enrol(ran, f.trainee("李四"))
    Enrolment.objects.filter(pk=gone.pk).update(status=Enrolment.Status.WITHDRAWN)
    f.enrol(f.klass(p, status=TrainingClass.Status.ANNOUNCED), f.trainee("王五"))  # not run yet

    assert persons_trained(p.listing, 2026) == 3
    assert persons_trained(p.listing, 2025) == 0


def test_the_results_report_reads_the_platform_count(training):
    p = f.plan(training)
    k = f.klass(p)
    f.enrol(k, f.trainee("赵六"))
    volumes = listing_reads.volumes_for(p.listing, [2026])
    assert volumes[2026] == (1, ListingVolume.Source.PLATFORM)
