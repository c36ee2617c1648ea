from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import Employee


class EmployeeConfirmForm(forms.Form):
    """Pick one of the roster candidates, or name the employee by DSN/badge number."""

    employee = forms.TypedChoiceField(
        label=_("Who is the compliment about?"),
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
        empty_value=None,
    )
    dsn = forms.CharField(
        label=_("Or enter the DSN / badge number"),
        max_length=20,
        required=False,
    )

    def __init__(self, *args, candidates: list[Employee], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].choices = [
            (e.pk, f"{e.rank} {e.full_name} ({e.dsn}), {e.unit.name}".strip()) for e in candidates
        ]

    def clean(self):
        cleaned = super().clean()
        dsn = (cleaned.get("dsn") or "").strip().lstrip("#")
        if dsn:
            employee = Employee.objects.filter(dsn__iexact=dsn, active=True).first()
            if employee is None:
                self.add_error(
                    "dsn", _("No active employee has the number %(dsn)s.") % {"dsn": dsn}
                )
                return cleaned
            cleaned["chosen"] = employee
        elif cleaned.get("employee"):
            cleaned["chosen"] = Employee.objects.get(pk=cleaned["employee"])
        elif not self.errors:
            raise forms.ValidationError(_("Choose an employee or enter their number."))
        return cleaned


class NoticeResendForm(forms.Form):
    notice = forms.IntegerField(widget=forms.HiddenInput)
    email = forms.EmailField(
        label=_("Corrected email address"),
        error_messages={"invalid": _("Enter an email address like name@example.org.")},
    )
