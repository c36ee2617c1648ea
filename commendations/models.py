from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from intake.models import Submission
from staff.models import Queue


class Commendation(models.Model):
    """A compliment's entry in the Chief's office queue."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        EMPLOYEE_CONFIRMED = "employee_confirmed", _("Employee identified")
        DELIVERED = "delivered", _("Delivered to employee and supervisor")
        CLOSED = "closed", _("Closed")

    submission = models.OneToOneField(
        Submission, on_delete=models.PROTECT, related_name="commendation"
    )
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="commendations")
    rule = models.ForeignKey(
        "routing.RoutingRule", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rule_name = models.CharField(max_length=100)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Who the compliment is about: set by a confident roster match or by the Chief's office.
    employee = models.ForeignKey(
        "directory.Employee",
        verbose_name=_("employee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    citizen_told_at = models.DateTimeField(null=True, blank=True)
    # Only ever true when the submitter allowed sharing (commendation_share_mark checks it).
    shared_publicly = models.BooleanField(_("marked for public sharing"), default=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["employee", "created_at"])]

    def __str__(self) -> str:
        return self.submission.tracking_number
