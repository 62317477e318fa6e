"""Background jobs of training: the roster import and the overlap check of online batches run as
Celery tasks (in-process when Celery is eager, as in the embedded default and the tests)."""

from celery import shared_task


@shared_task(name="peiyu.training.roster_import")
def roster_import_task(import_id: int) -> dict:
    from .services.roster_import import roster_import_run

    imp = roster_import_run(import_id)
    return {"id": imp.pk, "status": imp.status, "enrolled": imp.enrolled, "rejected": imp.rejected_rows}


@shared_task(name="peiyu.training.anomaly_scan")
def anomaly_scan_task(klass_id: int) -> int:
    from .services.anomalies import anomaly_scans_run

    return anomaly_scans_run(klass_id)
