from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from intake.models import AllegationCategory, InvolvedEmployee, Submission
from ops.choices import choice_label
from staff.models import Queue


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Case(models.Model):
    """A complaint's investigation record in a BPS queue. One per submission, whatever the
    routing task does twice."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        TRIAGE = "triage", _("In triage")
        ASSIGNED = "assigned", _("Assigned")
        INVESTIGATING = "investigating", _("Under investigation")
        FINDINGS_SUBMITTED = "findings_submitted", _("Findings submitted")
        APPROVED = "approved", _("Approved by the commander")
        CLOSED = "closed", _("Closed")
        MEDIATED = "mediated", _("Resolved by mediation")
        REFERRED = "referred", _("Referred elsewhere")
        MERGED = "merged", _("Merged as duplicate")

    submission = models.OneToOneField(Submission, on_delete=models.PROTECT, related_name="case")
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="cases")
    rule = models.ForeignKey(
        "routing.RoutingRule",
        verbose_name=_("routed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rule_name = models.CharField(_("routed by rule"), max_length=100)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    confidential = models.BooleanField(_("confidential"), default=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    due_date = models.DateField(_("due"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every change, so that two people editing at once cannot overwrite each other.
    version = models.PositiveIntegerField(default=1)
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True)
    referral_letter = models.TextField(_("referral letter"), max_length=10000, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )

    OPEN_STATUSES = (
        Status.RECEIVED,
        Status.TRIAGE,
        Status.ASSIGNED,
        Status.INVESTIGATING,
        Status.FINDINGS_SUBMITTED,
        Status.APPROVED,
    )

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["queue", "status", "due_date"]),
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["assignee", "status"]),
            # The case list's default order, so its first page is read from the index.
            models.Index(fields=["due_date", "id"], name="case_due_order"),
            # Its other orders, so that every page of them is read from an index too.
            models.Index(fields=["status", "due_date", "id"], name="case_status_order"),
            models.Index(fields=["priority", "due_date", "id"], name="case_priority_order"),
        ]

    def __str__(self) -> str:
        return self.submission.tracking_number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    # Read from the enumerations (ops/choices.py): every row of the case list shows both.
    def get_status_display(self) -> str:
        return choice_label(Case.Status, self.status)

    def get_priority_display(self) -> str:
        return choice_label(Priority, self.priority)


class Finding(models.TextChoices):
    SUSTAINED = "sustained", _("Sustained")
    NOT_SUSTAINED = "not_sustained", _("Not sustained")
    EXONERATED = "exonerated", _("Exonerated")
    UNFOUNDED = "unfounded", _("Unfounded")
    POLICY_FAILURE = "policy_failure", _("Policy failure")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ADMIN_CLOSED = "admin_closed", _("Administratively closed")


class Allegation(models.Model):
    """One accusation (category and employee) with its own finding."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="allegations")
    category = models.CharField(_("category"), max_length=24, choices=AllegationCategory.choices)
    involved = models.ForeignKey(
        InvolvedEmployee,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="allegations",
    )
    finding = models.CharField(_("finding"), max_length=20, choices=Finding.choices, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        finding = self.get_finding_display() or _("no finding yet")
        return f"{self.get_category_display()} ({finding})"

    @property
    def label(self) -> str:
        """The allegation as staff read it: category and the employee by rank, name and DSN."""
        if self.involved is None:
            return str(self.get_category_display())
        return f"{self.get_category_display()} — {self.involved.label}"


class CaseNote(models.Model):
    """An internal note on a case. Never shown to the complainant or the employee; kept, never
    edited."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("note"), max_length=10000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.created_at:%Y-%m-%d %H:%M}"


class DueDateExtension(models.Model):
    """A due date moved by the commander, with the reason."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="extensions")
    previous_due = models.DateField(_("was due"))
    new_due = models.DateField(_("now due"))
    reason = models.TextField(_("reason"), max_length=2000)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case}: {self.previous_due} → {self.new_due}"
