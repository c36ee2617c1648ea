import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from intake.models import Submission


class Notice(models.Model):
    """An email the system sends. A row first, an email second: the row survives broker and
    provider faults, and its unique key makes a redelivered task send nothing twice."""

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement to the submitter")
        QUEUE_ALERT = "queue_alert", _("New submission alert to queue members")
        COMPLAINT_EMPLOYEE = "complaint_employee", _("Notice of complaint to the employee")
        COMPLAINT_SUPERVISOR = "complaint_supervisor", _("Notice of complaint to the supervisor")
        COMMENDATION_EMPLOYEE = "commendation_employee", _("Commendation to the employee")
        COMMENDATION_SUPERVISOR = "commendation_supervisor", _("Commendation to the supervisor")
        STATUS_UPDATE = "status_update", _("Status update to the complainant")
        OUTCOME = "outcome", _("Outcome to the complainant")
        MESSAGE = "message", _("Message to the submitter")
        COMMENDATION_DELIVERED = "commendation_delivered", _("Delivery notice to the citizen")
        DUE_REMINDER = "due_reminder", _("Due date reminder to the assignee")
        OVERDUE_ALERT = "overdue_alert", _("Overdue case alert to the commander")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        # Handed to the provider this moment; recorded before the call, so that a worker that
        # dies during it leaves a trace instead of a notice that looks unsent.
        SENDING = "sending", _("Sending")
        # The provider was called and never answered (a timeout, a worker that died during
        # the call): it may have sent the email. Not sent again by itself; the provider's
        # tracking events settle it, or staff send it again.
        UNKNOWN = "unknown", _("Outcome unknown")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        BOUNCED = "bounced", _("Bounced")
        FAILED = "failed", _("Failed")

    # Indexed by one_notice_per_occasion, which starts with it.
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="notices", db_index=False
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    # Distinguishes notices of the same kind that may legitimately repeat (one per status change,
    # one per message); empty for the once-only kinds.
    occasion = models.CharField(max_length=64, blank=True, default="")
    recipient_email = models.EmailField()
    recipient_name = models.CharField(max_length=200, blank=True)
    employee = models.ForeignKey(
        "directory.Employee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    language = models.CharField(max_length=8, default="en")
    context = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    provider_message_id = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    # When the current attempt called the provider (state `sending`).
    sending_started_at = models.DateTimeField(null=True, blank=True)
    # When a notice the provider turned away for now is due again; the sweeper dispatches it.
    retry_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Set from the provider's tracking webhook.
    delivered_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    # Set when the recipient follows the one-click acknowledgement link (commendations).
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "routing_notice"  # the table it had before it moved here
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "kind", "recipient_email", "occasion"],
                name="one_notice_per_occasion",
            )
        ]
        # Each state change writes every index again (the state is indexed): only those the
        # reads need, and none for matching a pattern.
        indexes = [
            models.Index(fields=["state", "dispatched_at"]),
            models.Index(fields=["provider_message_id"], name="notice_provider_message_id"),
        ]

    def __str__(self) -> str:
        # Shown wherever a notice is named (the admin too): never the recipient's address.
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def template_name(self) -> str:
        return f"emails/{self.kind}"

    def letter_key(self) -> object:
        """Which email this notice goes as: notices with the same key travel as one email to
        all their recipients (a kind of SHARED_KINDS, about one submission, in one language,
        saying the same); any other notice is an email of its own."""
        if self.kind in SHARED_KINDS:
            same = json.dumps(self.context, sort_keys=True, default=str)
            return (self.submission_id, self.kind, self.language, same)
        return self.pk


# Kinds whose email says the same to each recipient: a queue's alert names the submission and
# the queue, not the member. The queued notices of one such kind about one submission, in one
# language, go as one email to all their recipients: rendered once, one message, one call to
# the provider and one write of its answer. Each recipient keeps a notice row of its own, with
# its own state, provider message id and tracking events (anymail reports each recipient).
SHARED_KINDS = frozenset({Notice.Kind.QUEUE_ALERT})


class DeliveryEvent(models.Model):
    """A tracking event from the email provider's webhook. Providers may send an event more
    than once; `event_id` makes the second one a no-op."""

    notice = models.ForeignKey(Notice, null=True, on_delete=models.CASCADE, related_name="events")
    event_id = models.CharField(max_length=200, unique=True)
    event_type = models.CharField(max_length=30)
    message_id = models.CharField(max_length=200, db_index=True)
    recipient = models.EmailField(blank=True)
    description = models.TextField(blank=True)
    occurred_at = models.DateTimeField()

    class Meta:
        db_table = "routing_deliveryevent"
        ordering = ["occurred_at"]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.pk}"


class PaperLetter(models.Model):
    """A notice to a submitter that bounced, to be sent on paper to the mailing address they
    gave. Staff print it from /staff/letters/ and mark it posted."""

    class State(models.TextChoices):
        TO_PRINT = "to_print", _("To print and post")
        POSTED = "posted", _("Posted")

    notice = models.OneToOneField(Notice, on_delete=models.PROTECT, related_name="paper_letter")
    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="paper_letters"
    )
    address = models.TextField(_("mailing address"), max_length=500)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.TO_PRINT, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        db_table = "routing_paperletter"
        ordering = ["created_at", "id"]
        verbose_name = _("paper letter")
        verbose_name_plural = _("paper letters")

    def __str__(self) -> str:
        return f"{self.notice} ({self.get_state_display()})"
