from django.db import models
from django.utils.translation import gettext_lazy as _

from intake.models import Submission
from routing.models import Queue, RoutingRule


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
    rule = models.ForeignKey(RoutingRule, null=True, on_delete=models.SET_NULL, related_name="+")
    rule_name = models.CharField(max_length=100)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.submission.tracking_number
