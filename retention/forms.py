from django import forms
from django.utils.translation import gettext_lazy as _

from intake.models import Submission


class HoldForm(forms.Form):
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=20,
        help_text=_("Of the complaint or compliment, e.g. C-2026-000123."),
        error_messages={"required": _("Enter the tracking number.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("For example the lawsuit, records request or investigation it is held for."),
        error_messages={"required": _("Say why the record is held.")},
    )

    def clean_tracking_number(self) -> Submission:
        number = self.cleaned_data["tracking_number"].strip().upper()
        submission = Submission.objects.filter(tracking_number=number).first()
        if submission is None:
            raise forms.ValidationError(_("No complaint or compliment has this tracking number."))
        return submission


class LiftForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the hold is lifted"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("Say why the hold is lifted.")},
    )


def error_summary(form: forms.Form) -> list[tuple[str, str]]:
    return [
        (str(error), form[name].auto_id if name in form.fields else "error-summary")
        for name, errors in form.errors.items()
        for error in errors
    ]
