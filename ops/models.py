from django.db import models


class CapturedEmail(models.Model):
    """An email the capture backend "sent": what `make run` shows in its dev mailbox and what the
    integration tests read from another process. Never used in production."""

    message_id = models.CharField(max_length=64, unique=True)
    from_email = models.CharField(max_length=300)
    to = models.JSONField(default=list)
    subject = models.CharField(max_length=500)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict)
    # anymail metadata of the message (notice id, tracking number), to tie it to its notice.
    metadata = models.JSONField(default=dict, blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class CaptureFault(models.Model):
    """Makes the capture backend fail its next `remaining` sends with the given status, as an
    email provider's outage would (used by the fault tests, across processes)."""

    remaining = models.PositiveIntegerField(default=0)
    status_code = models.PositiveIntegerField(default=503)

    def __str__(self) -> str:
        return f"fail next {self.remaining} with {self.status_code}"
