from celery import shared_task

from .services import flags_raise


@shared_task(name="intervention.tasks.raise_flags")
def raise_flags() -> dict[str, int]:
    """Beat, hourly: raise early-intervention flags. Safe to run twice (one flag per employee,
    threshold and window)."""
    raised = flags_raise()
    return {"flags": raised.flags, "rules": raised.rules}
