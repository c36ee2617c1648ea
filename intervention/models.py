"""Early intervention: thresholds the department sets in the admin, and the flags the beat
task raises when an employee meets one. A flag is a prompt for a commander to look, never a
finding about the employee."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from intake.models import AllegationCategory


class InterventionRule(models.Model):
    """A threshold: N complaints, or N allegations of one category, against one employee within
    M months; or, for the peer comparison, at least N complaints and at least `peer_factor`
    times the average of the employee's unit over the same months."""

    class Kind(models.TextChoices):
        COMPLAINTS = "complaints", _("Complaints against one employee")
        CATEGORY = "category", _("Allegations of one category against one employee")
        PEER = "peer", _("Complaints well above the unit's average")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    threshold = models.PositiveSmallIntegerField(
        _("how many"),
        validators=[MinValueValidator(1)],
        help_text=_("The number of complaints (or allegations) that raises a flag."),
    )
    months = models.PositiveSmallIntegerField(
        _("within how many months"), validators=[MinValueValidator(1)], default=12
    )
    category = models.CharField(
        _("allegation category"), max_length=24, choices=AllegationCategory.choices, blank=True
    )
    peer_factor = models.DecimalField(
        _("times the unit's average"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("For the peer comparison: e.g. 2 raises a flag at twice the average."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("early-intervention threshold")
        verbose_name_plural = _("early-intervention thresholds")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="category") | ~models.Q(category=""),
                name="intervention_category_rule_has_a_category",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="peer") | models.Q(peer_factor__isnull=False),
                name="intervention_peer_rule_has_a_factor",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.kind == self.Kind.CATEGORY and not self.category:
            raise ValidationError({"category": _("Choose the category this threshold counts.")})
        if self.kind == self.Kind.PEER and self.peer_factor is None:
            raise ValidationError(
                {"peer_factor": _("Say how many times the unit's average raises a flag.")}
            )


class Flag(models.Model):
    """One employee met one threshold in one window: raised once, whatever the task does
    twice (the unique constraint), and worked by a commander through its states."""

    class State(models.TextChoices):
        NEW = "new", _("New")
        UNDER_REVIEW = "under_review", _("Under review")
        INTERVENTION = "intervention", _("Intervention")
        RESOLVED = "resolved", _("Resolved")
        NOT_WARRANTED = "not_warranted", _("Not warranted")

    OPEN_STATES = (State.NEW, State.UNDER_REVIEW, State.INTERVENTION)

    employee = models.ForeignKey(
        "directory.Employee",
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="flags",
    )
    rule = models.ForeignKey(
        InterventionRule,
        verbose_name=_("threshold"),
        on_delete=models.PROTECT,
        related_name="flags",
    )
    # The window: from the first complaint counted to that day `rule.months` later.
    window_start = models.DateField(_("from"))
    window_end = models.DateField(_("to"))
    count = models.PositiveIntegerField(_("counted"))
    # What the rule said when it was met (its threshold may be edited later) and, for the peer
    # comparison, the unit's average.
    basis = models.JSONField(default=dict, blank=True)
    cases = models.ManyToManyField("cases.Case", related_name="flags", blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.NEW, db_index=True
    )
    raised_at = models.DateTimeField(_("raised"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every change, so two commanders cannot overwrite each other.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "rule", "window_start"],
                name="one_flag_per_employee_rule_window",
            )
        ]
        indexes = [models.Index(fields=["employee", "rule", "window_end"])]

    def __str__(self) -> str:
        return f"{self.employee} · {self.rule} · {self.window_start}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class FlagNote(models.Model):
    """A change of a flag's state, with the commander's note; kept, never edited."""

    flag = models.ForeignKey(Flag, on_delete=models.PROTECT, related_name="notes")
    from_state = models.CharField(max_length=16, choices=Flag.State.choices)
    to_state = models.CharField(max_length=16, choices=Flag.State.choices)
    note = models.TextField(_("note"), max_length=5000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.flag_id}: {self.from_state} → {self.to_state}"
