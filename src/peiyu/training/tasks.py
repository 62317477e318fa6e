"""Background jobs of training: the roster import runs as a Celery task (in-process when Celery is eager,
as in the embedded default and the tests)."""

from celery import shared_task


@shared_task(name="peiyu.training.roster_import")
def roster_import_task(import_id: int) -> dict:
    from .services.roster_import import roster_import_run

    imp = roster_import_run(import_id)
    return {"id": imp.pk, "status": imp.status, "enrolled": imp.enrolled, "rejected": imp.rejected_rows}
