from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .periods import Period

EARLIEST_YEAR = 2000
LONGEST_DAYS = 10 * 366


class PeriodForm(forms.Form):
    """A year, or a range of dates; nothing chosen means this year so far."""

    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=EARLIEST_YEAR,
        # Text, not a number input: a browser drops what a number input cannot parse, and
        # the page must show back what was typed.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "invalid": _("Enter a year as four digits, for example 2025."),
            "min_value": _("Enter a year from 2000 on."),
        },
    )
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter the first day as a date, for example 2025-01-01.")},
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter the last day as a date, for example 2025-12-31.")},
    )

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError(_("Choose this year or an earlier one."))
        return year

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if self.errors:
            return data
        if (start is None) != (end is None):
            missing = "end" if end is None else "start"
            self.add_error(missing, _("Give both the first and the last day of the range."))
        elif start and end:
            if start > end:
                self.add_error("end", _("The last day must be on or after the first day."))
            elif (end - start).days > LONGEST_DAYS:
                self.add_error("end", _("Choose a range of ten years or less."))
        return data

    def period(self, *, today: date | None = None) -> Period:
        """The chosen period; call after is_valid(). This year so far when nothing is chosen,
        and so for the current year, so that it sits beside the same days a year before."""
        today = today or timezone.localdate()
        data = self.cleaned_data if self.is_bound else {}
        if data.get("start") and data.get("end"):
            return Period(data["start"], data["end"])
        year = data.get("year") or today.year
        if year == today.year:
            return Period(date(year, 1, 1), today)
        return Period.year(year)

    def error_summary(self) -> list[tuple[str, str]]:
        return [
            (str(error), self[name].auto_id if name in self.fields else "error-summary")
            for name, errors in self.errors.items()
            for error in errors
        ]
