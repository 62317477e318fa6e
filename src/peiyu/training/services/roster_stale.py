"""Roster imports never left running (issue 11): an import whose worker died (killed, out of memory,
the machine restarted) is failed by `peiyu tick` with a Chinese reason, through the import's workflow
(flows.ROSTER_IMPORT_FLOW), so the institution sees it and uploads again. A failure inside a live run
is caught by `roster_import.roster_import_run` itself."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction

from ..flows import ROSTER_IMPORT_FLOW
from ..models import RosterImport

# A running import records its progress (`updated_at`) after reading the file, after the eligibility
# checks and when it finishes; a 100 000-row roster (the row cap) goes through each phase in well under
# five minutes on the benchmark machine (benchmarks/ scenario "roster"), and the write phase holds the
# import's row lock, which the tick skips. No progress for STALE_MINUTES_DEFAULT therefore means the
# worker died (killed, out of memory, the machine restarted): the tick fails the import so the
# institution sees it and uploads again. Deployments with slow workers raise
# PEIYU_ROSTER_IMPORT_STALE_MINUTES.
STALE_MINUTES_DEFAULT = 30
STALE_MESSAGE = "导入失败：处理该文件的后台进程已中断（超过{minutes}分钟没有进展），请重新上传"


def stale_minutes() -> int:
    return int(getattr(settings, "PEIYU_ROSTER_IMPORT_STALE_MINUTES", STALE_MINUTES_DEFAULT))


def roster_imports_fail_stale(now: dt.datetime) -> int:
    """Fail every import still running with no progress for `stale_minutes()`; returns how many. Safe
    to run twice: a failed import is no longer running. An import whose worker is writing holds its
    row lock and is skipped (PostgreSQL)."""
    minutes = stale_minutes()
    cutoff = now - dt.timedelta(minutes=minutes)
    failed = 0
    stale = RosterImport.objects.filter(status=RosterImport.Status.RUNNING, updated_at__lt=cutoff)
    for pk in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            row = (
                RosterImport.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=RosterImport.Status.RUNNING, updated_at__lt=cutoff)
                .first()
            )
            if row is None:
                continue
            message = STALE_MESSAGE.format(minutes=minutes)
            ROSTER_IMPORT_FLOW.transition(
                row,
                RosterImport.Status.FAILED,
                actor=None,
                reason=message,
                changes={"message": message, "finished_at": now},
                locked=True,
                audit_extra={"class": row.klass_id, "file": row.filename, "last_progress": row.updated_at},
            )
            failed += 1
    return failed
