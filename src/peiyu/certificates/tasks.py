"""Background jobs of certificates (Celery tasks, in-process when Celery is eager as in the embedded
default and the tests), queued by name through `core.tasks.task_named` and registered in hooks."""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(name="peiyu.certificates.batch_issue")  # type: ignore[untyped-decorator]  # celery ships no types
def batch_issue_task(batch_id: int, actor_id: int | None = None) -> dict[str, Any]:
    """Issue a batch's certificates in chunks (services.batches_issue.batch_issue_run)."""
    from .services.batches_issue import batch_issue_run

    batch = batch_issue_run(batch_id, actor_id)
    if batch is None:
        return {"id": batch_id, "status": "missing"}
    return {"id": batch.pk, "status": batch.status, "done": batch.done, "total": batch.total}
