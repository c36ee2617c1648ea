from celery import shared_task

from .services import retention_apply

# A bounded batch per run, so a backlog (the first run after installing) is worked off over a
# few runs instead of one long transaction-heavy task.
BATCH = 500


@shared_task(name="retention.tasks.anonymise_due")
def anonymise_due() -> dict[str, int]:
    """Beat, every 15 minutes: anonymise what has passed its retention date. Safe to run twice."""
    purge = retention_apply(limit=BATCH)
    return {"anonymised": len(purge.due), "skipped": purge.skipped}
