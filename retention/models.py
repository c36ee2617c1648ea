"""How long the department keeps what residents sent, and what stops the clock. Past its date
a record is anonymised, not deleted: the tracking number, dates, categories, units and findings
stay, so the statistics stay true (retention/services.py says exactly what goes)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    """What a record ended as, which decides how long it is kept."""

    SUSTAINED = "sustained", _("Sustained")
    POLICY_FAILURE = "policy_failure", _("Policy failure")
    NOT_SUSTAINED = "not_sustained", _("Not sustained")
    EXONERATED = "exonerated", _("Exonerated")
    UNFOUNDED = "unfounded", _("Unfounded")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ADMIN_CLOSED = "admin_closed", _("Administratively closed")
    MEDIATED = "mediated", _("Resolved by mediation")
    REFERRED = "referred", _("Referred elsewhere")
    MERGED = "merged", _("Merged as duplicate")
    QUARANTINED_SPAM = "quarantined_spam", _("Discarded as spam")
    COMMENDATION = "commendation", _("Commendation")


# The installed schedule, in months after the record ended (a case closed, a compliment
# received, spam discarded). They are a starting point, not legal advice: set the department's
# records schedule in the admin.
DEFAULT_MONTHS = {
    Outcome.SUSTAINED: 120,
    Outcome.POLICY_FAILURE: 120,
    Outcome.NOT_SUSTAINED: 60,
    Outcome.EXONERATED: 60,
    Outcome.UNFOUNDED: 36,
    Outcome.WITHDRAWN: 36,
    Outcome.ADMIN_CLOSED: 36,
    Outcome.MEDIATED: 36,
    Outcome.REFERRED: 36,
    Outcome.MERGED: 36,
    Outcome.QUARANTINED_SPAM: 3,
    Outcome.COMMENDATION: 60,
}


class RetentionPeriod(models.Model):
    """One line of the retention schedule: how many months a record with this outcome is kept
    after it ended."""

    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, unique=True)
    months = models.PositiveIntegerField(
        _("kept for (months)"),
        validators=[MinValueValidator(1)],
        help_text=_(
            "Counted from the day the case ended, the compliment was received or the "
            "spam was discarded. 12 months is a year."
        ),
    )

    class Meta:
        ordering = ["outcome"]
        verbose_name = _("retention period")
        verbose_name_plural = _("retention schedule")

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.months}"


class LegalHold(models.Model):
    """Stops every purge of a submission (its case or commendation) until lifted. Who placed and
    lifted it, and why, is kept here and in the audit trail."""

    submission = models.ForeignKey(
        "intake.Submission", on_delete=models.PROTECT, related_name="legal_holds"
    )
    reason = models.TextField(_("reason"), max_length=2000)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(_("reason for lifting"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission"],
                condition=models.Q(lifted_at__isnull=True),
                name="one_active_hold_per_submission",
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission} ({'lifted' if self.lifted_at else 'active'})"


class Anonymisation(models.Model):
    """The record that a submission was anonymised: once, never undone."""

    submission = models.OneToOneField(
        "intake.Submission", on_delete=models.PROTECT, related_name="anonymisation"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    due_on = models.DateField()
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-done_at"]

    def __str__(self) -> str:
        return f"{self.submission} {self.done_at:%Y-%m-%d}"
