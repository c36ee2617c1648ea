"""The audit search: who did what, to which case or commendation, when. One FilterSet is the
form, the filtering and the export's selection."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import AuditAction, AuditEvent

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


def _moment_filter(label, lookup_expr: str) -> django_filters.DateTimeFilter:
    """A bound of the time range, picked with the browser's date-and-time input."""
    return django_filters.DateTimeFilter(
        label=label,
        field_name="at",
        lookup_expr=lookup_expr,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def _person_label(user) -> str:
    name = user.get_full_name()
    return f"{name} ({user.get_username()})" if name else user.get_username()


class AuditFilter(django_filters.FilterSet):
    person = django_filters.ModelChoiceFilter(
        label=_("Person"), queryset=None, empty_label=_("Anyone"), field_name="actor"
    )
    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=AuditAction.choices, empty_label=_("Any")
    )
    case = django_filters.CharFilter(
        label=_("Tracking number"), max_length=20, method="filter_case"
    )
    since = _moment_filter(_("From"), "gte")
    until = _moment_filter(_("Until"), "lte")

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def __init__(self, data=None, **kwargs):
        # Always bound, so that an empty search lists everything, newest first.
        super().__init__(data or {}, queryset=AuditEvent.objects.all(), **kwargs)
        # Everyone who can sign in to the staff side: a role (group) or the admin.
        self.filters["person"].queryset = (
            get_user_model()
            .objects.filter(Q(groups__isnull=False) | Q(is_staff=True))
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
        self.form.fields["person"].label_from_instance = _person_label

    def filter_case(self, queryset, name, value):
        number = value.strip().upper()
        return queryset.filter(submission__tracking_number=number) if number else queryset

    def filter_queryset(self, queryset):
        return (
            super()
            .filter_queryset(queryset)
            .select_related("actor", "submission")
            .order_by("-at", "-id")
        )
