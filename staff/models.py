from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Queue(models.Model):
    """A named work list. BPS case queues hold complaints; the Chief's office queue holds
    commendations. Staff see the queues they are members of."""

    class Kind(models.TextChoices):
        BPS = "bps", _("Professional Standards cases")
        CHIEF = "chief", _("Chief's office commendations")

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.BPS)
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_("Cases are visible only to members and the employee is never alerted."),
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="queues")

    class Meta:
        db_table = "routing_queue"  # the table it had before it moved here
        ordering = ["name"]
        verbose_name = _("queue")
        verbose_name_plural = _("queues")

    def __str__(self) -> str:
        return self.name
