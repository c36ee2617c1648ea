from django.db import models
from django.db.models.deletion import ProtectedError
from django.utils.translation import gettext_lazy as _

from cases.models import Priority
from staff.models import Queue


class RoutingRuleQuerySet(models.QuerySet):
    def delete(self):
        # A bulk delete (admin action, shell, data migration) must not remove the catch-all.
        catch_all = list(self.filter(is_catch_all=True))
        if catch_all:
            raise ProtectedError(_("The catch-all routing rule cannot be deleted."), catch_all)
        return super().delete()


class RoutingRule(models.Model):
    """Sends a submission to a queue. Rules are tried in `order`; the first whose every
    condition holds wins (an empty condition holds for all). The catch-all matches everything
    and always exists."""

    class AppliesTo(models.TextChoices):
        ANY = "any", _("Any submission")
        COMPLAINT = "complaint", _("Complaints")
        COMPLIMENT = "compliment", _("Compliments")

    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveIntegerField(_("order"), default=100)
    active = models.BooleanField(_("active"), default=True)
    applies_to = models.CharField(
        _("applies to"), max_length=12, choices=AppliesTo.choices, default=AppliesTo.ANY
    )
    categories = models.JSONField(_("any of these allegation categories"), default=list, blank=True)
    service_areas = models.ManyToManyField(
        "directory.ServiceArea", verbose_name=_("in any of these areas"), blank=True
    )
    units = models.ManyToManyField(
        "directory.Unit", verbose_name=_("about an employee of any of these units"), blank=True
    )
    keywords = models.CharField(
        _("any of these words in the account"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated."),
    )
    queue = models.ForeignKey(
        Queue, verbose_name=_("queue"), on_delete=models.PROTECT, related_name="rules"
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    due_days = models.PositiveIntegerField(_("due in (days from receipt)"), default=90)
    confidential = models.BooleanField(_("confidential"), default=False)
    is_catch_all = models.BooleanField(_("catch-all"), default=False, editable=False)

    objects = RoutingRuleQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(
                fields=["is_catch_all"],
                condition=models.Q(is_catch_all=True),
                name="one_catch_all_rule",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def delete(self, *args, **kwargs):
        if self.is_catch_all:
            raise ProtectedError(_("The catch-all routing rule cannot be deleted."), [self])
        return super().delete(*args, **kwargs)
