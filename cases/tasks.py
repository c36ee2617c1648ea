from celery import shared_task

from .services import due_reminders_queue


@shared_task(name="cases.tasks.due_reminders")
def due_reminders() -> dict[str, int]:
    """Beat, hourly: reminders before due, alerts when overdue. Safe to run twice."""
    return due_reminders_queue()
