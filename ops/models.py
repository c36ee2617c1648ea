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
    """Makes the capture backend misbehave on its next `remaining` sends as an email provider
    can (used by the fault tests, across processes): answer with an error `status_code`, and/or
    answer only after `delay_seconds`. A delay past EMAIL_TIMEOUT is a provider that does not
    answer in time: it has taken the message first when `accepted`, or hangs without it."""

    remaining = models.PositiveIntegerField(default=0)
    status_code = models.PositiveIntegerField(null=True, blank=True, default=503)
    delay_seconds = models.FloatField(default=0)
    accepted = models.BooleanField(default=True)

    def __str__(self) -> str:
        what = [f"status {self.status_code}"] if self.status_code else []
        if self.delay_seconds:
            what.append(f"{self.delay_seconds:g} s late" + ("" if self.accepted else ", unsent"))
        return f"next {self.remaining}: " + ", ".join(what or ["nothing"])
