"""The case list's filters, search and sort: one FilterSet that is at once the form the page
shows, the rules that narrow the cases and the CSV export's selection, so the three cannot
drift apart. It starts from what the person may see (cases/permissions.py) and only narrows
it."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Unit
from intake.models import AllegationCategory, InvolvedEmployee
from ops.forms import ListedChoices
from staff.roles import staff_name

from .models import Allegation, Case
from .permissions import cases_visible_to, queues_visible_to
from .selectors import (
    OPEN,
    case_search,
    cases_awaiting_reply,
    search_submission_ids,
    submission_among,
)

# Each sort the page offers: its label and the order it means. The last column of each order is
# unique, so paging through the list never repeats or skips a case.
SORTS = {
    "due": (_("Due date, soonest first"), ("due_date", "id")),
    "-due": (_("Due date, latest first"), ("-due_date", "-id")),
    "received": (_("Received, oldest first"), ("submission__received_at", "id")),
    "-received": (_("Received, newest first"), ("-submission__received_at", "-id")),
    "status": (_("Status"), ("status", "due_date", "id")),
    "priority": (_("Priority"), ("priority", "due_date", "id")),
    "tracking": (_("Tracking number"), ("submission__tracking_number",)),
    "-tracking": (_("Tracking number, last first"), ("-submission__tracking_number",)),
}
DEFAULT_SORT = "due"


class _ListedChoiceField(django_filters.fields.ModelChoiceField):
    iterator = ListedChoices


class _ListedChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice among a short list of rows (queues, staff, units), read in one plain query."""

    field_class = _ListedChoiceField


def _date_filter(label, field_name: str, lookup_expr: str) -> django_filters.DateFilter:
    """A bound of a date range, picked with the browser's date input."""
    return django_filters.DateFilter(
        label=label,
        field_name=field_name,
        lookup_expr=lookup_expr,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class CaseFilter(django_filters.FilterSet):
    """Bind it to the query string (an empty one too); `.qs` is the list, `.form` the form."""

    q = django_filters.CharFilter(
        label=_("Search: tracking number, employee name, badge or car number, or words"),
        max_length=200,
        method="filter_search",
    )
    queue = _ListedChoiceFilter(
        label=_("Queue"), queryset=None, empty_label=_("Any"), field_name="queue"
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Case.Status.choices, empty_label=_("Any")
    )
    assignee = _ListedChoiceFilter(
        label=_("Assignee"), queryset=None, empty_label=_("Anyone"), method="filter_assignee"
    )
    allegation = django_filters.ChoiceFilter(
        label=_("Allegation"),
        choices=AllegationCategory.choices,
        empty_label=_("Any"),
        method="filter_allegation",
    )
    unit = _ListedChoiceFilter(
        label=_("Unit"), queryset=Unit.objects.all(), empty_label=_("Any"), method="filter_unit"
    )
    due_from = _date_filter(_("Due from"), "due_date", "gte")
    due_to = _date_filter(_("Due by"), "due_date", "lte")
    received_from = _date_filter(_("Received from"), "submission__received_at", "date__gte")
    received_to = _date_filter(_("Received to"), "submission__received_at", "date__lte")
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
        empty_label=None,
        method="filter_nothing",  # the order is applied last, in filter_queryset
    )
    unassigned = django_filters.BooleanFilter(
        label=_("Unassigned only"), widget=forms.CheckboxInput, method="filter_unassigned"
    )
    open = django_filters.BooleanFilter(
        label=_("Open cases only"), widget=forms.CheckboxInput, method="filter_open"
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), widget=forms.CheckboxInput, method="filter_overdue"
    )
    awaiting_reply = django_filters.BooleanFilter(
        label=_("The complainant wrote last"),
        widget=forms.CheckboxInput,
        method="filter_awaiting_reply",
    )

    class Meta:
        model = Case
        fields: list[str] = []

    def __init__(self, data=None, *, user, **kwargs):
        self.user = user
        # Whether a search named its submissions by id (filter_search); see count_up_to.
        self.searched_by_ids = False
        visible_queues = queues_visible_to(user)
        # Always bound: an unbound FilterSet skips filter_queryset, and the list needs its order.
        super().__init__(data or {}, queryset=cases_visible_to(user), **kwargs)
        self.filters["queue"].queryset = visible_queues
        self.filters["assignee"].queryset = (
            get_user_model()
            .objects.filter(queues__in=visible_queues, is_active=True)
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
        self.form.fields["assignee"].label_from_instance = staff_name

    @property
    def order(self) -> tuple[str, ...]:
        """The list's order as the sort asks (its last field unique, for keyset paging)."""
        sort = (self.form.cleaned_data if self.form.is_valid() else {}).get("sort")
        return SORTS.get(sort or DEFAULT_SORT, SORTS[DEFAULT_SORT])[1]

    def filter_queryset(self, queryset: QuerySet[Case]) -> QuerySet[Case]:
        queryset = super().filter_queryset(queryset)
        return queryset.select_related("submission", "assignee", "queue").order_by(*self.order)

    # Each method runs when its field has a value; an unticked box gives False.

    def filter_assignee(self, queryset, name, value):
        # "Unassigned only" wins over a chosen assignee.
        if self.form.cleaned_data.get("unassigned"):
            return queryset
        return queryset.filter(assignee=value)

    def filter_unassigned(self, queryset, name, value):
        # An unticked box means "don't narrow", not "assigned only".
        return queryset.filter(assignee__isnull=True) if value else queryset

    def filter_allegation(self, queryset, name, value):
        # An allegation recorded on the case, or a category the resident ticked.
        return queryset.filter(
            Exists(Allegation.objects.filter(case=OuterRef("pk"), category=value))
            | Q(submission__categories__icontains=f'"{value}"')
        )

    def filter_unit(self, queryset, name, value):
        return queryset.filter(
            Exists(
                InvolvedEmployee.objects.filter(
                    submission=OuterRef("submission"), employee__unit=value
                )
            )
        )

    def filter_open(self, queryset, name, value):
        return queryset.filter(OPEN) if value else queryset

    def filter_awaiting_reply(self, queryset, name, value):
        return cases_awaiting_reply(queryset) if value else queryset

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(OPEN, due_date__lt=timezone.localdate()) if value else queryset

    def filter_search(self, queryset, name, value):
        words = value.strip()
        if not words:
            return queryset
        # A search that names few submissions is answered from the indexes; one that names
        # many, by reading the list in its order (selectors.search_submission_ids).
        ids = search_submission_ids(words)
        if ids is not None:
            self.searched_by_ids = True
            return queryset.filter(submission_among(ids))
        return queryset.filter(case_search(words))

    def filter_nothing(self, queryset, name, value):
        return queryset
