from celery import shared_task

from .transparency import transparency_refresh


@shared_task(name="reports.tasks.transparency_refresh")
def refresh_transparency() -> str:
    """Beat, hourly: publish the transparency page's figures. Safe to run twice."""
    return transparency_refresh().generated_at.isoformat()
