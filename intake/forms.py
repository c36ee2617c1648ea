from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AllegationCategory, Submission
from .services import EmployeeData, SubmissionData


class ComplaintForm(forms.Form):
    """The public complaint form."""

    submitter_name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    submitter_email = forms.EmailField(
        label=_("Your email"),
        required=False,
        help_text=_(
            "We send your tracking number and updates here. Leave empty to stay anonymous."
        ),
    )
    narrative = forms.CharField(
        label=_("What happened?"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Tell us in your own words: what happened, when and where."),
        error_messages={"required": _("Tell us what happened.")},
    )
    categories = forms.MultipleChoiceField(
        label=_("What is the complaint about?"),
        choices=AllegationCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    employee_name = forms.CharField(label=_("Employee's name"), max_length=200, required=False)
    employee_badge = forms.CharField(label=_("Badge or DSN number"), max_length=20, required=False)

    def to_data(self, *, language: str) -> SubmissionData:
        cleaned = self.cleaned_data
        employees = []
        if cleaned["employee_name"] or cleaned["employee_badge"]:
            employees.append(
                EmployeeData(name=cleaned["employee_name"], badge=cleaned["employee_badge"])
            )
        return SubmissionData(
            kind=Submission.Kind.COMPLAINT,
            narrative=cleaned["narrative"],
            language=language,
            submitter_name=cleaned["submitter_name"],
            submitter_email=cleaned["submitter_email"],
            categories=cleaned["categories"],
            employees=employees,
        )
