from django.db import models


class TransparencySnapshot(models.Model):
    """The public page's figures as last published (suppressed, language-neutral). The page
    reads them from the cache; this row refills the cache after a restart without touching
    the cases."""

    generated_at = models.DateTimeField(db_index=True)
    payload = models.JSONField()

    class Meta:
        ordering = ["-generated_at"]
        get_latest_by = "generated_at"

    def __str__(self) -> str:
        return f"{self.generated_at:%Y-%m-%d %H:%M}"
