from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import Employee
from intake.models import AllegationCategory, Submission
from intake.services import EmployeeData, SubmissionData, WitnessData

from .models import Case, Finding
from .services import STAFF_CHANNELS


class CaseForm(forms.Form):
    """A form on the case page. Several share that page, so each gets its own id prefix."""

    id_prefix = "case"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class VersionForm(CaseForm):
    """Every change carries the version the person saw, so nobody overwrites a change they
    have not seen."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class AssignForm(VersionForm):
    id_prefix = "assign"
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=None)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = case.queue.members.filter(is_active=True).order_by(
            "last_name", "username"
        )
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.username


class ReasonForm(VersionForm):
    id_prefix = "reason"
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea)


class ReferForm(VersionForm):
    id_prefix = "refer"
    referred_to = forms.CharField(label=_("Referred to (agency)"), max_length=200)
    referral_letter = forms.CharField(
        label=_("Referral letter to the complainant"), max_length=10000, widget=forms.Textarea
    )


class MergeForm(VersionForm):
    id_prefix = "merge"
    into = forms.CharField(label=_("Tracking number of the case it duplicates"), max_length=20)


class AllegationForm(VersionForm):
    id_prefix = "allegation"
    category = forms.ChoiceField(label=_("Category"), choices=AllegationCategory.choices)
    involved = forms.ModelChoiceField(label=_("Employee"), queryset=None, required=False)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["involved"].queryset = case.submission.employees.all()


class FindingsForm(VersionForm):
    """One finding field per allegation."""

    id_prefix = "findings"

    def __init__(self, *args, allegations, **kwargs):
        super().__init__(*args, **kwargs)
        self.allegations = allegations
        for allegation in allegations:
            self.fields[f"finding_{allegation.pk}"] = forms.ChoiceField(
                label=str(allegation),
                choices=[("", _("Not yet decided"))] + Finding.choices,
                required=False,
                initial=allegation.finding,
            )

    def findings(self) -> dict[int, str]:
        return {a.pk: self.cleaned_data.get(f"finding_{a.pk}", "") for a in self.allegations}


class EmployeeMatchForm(VersionForm):
    id_prefix = "match"
    involved = forms.IntegerField(widget=forms.HiddenInput)
    dsn = forms.CharField(
        label=_("DSN / badge number in the roster (empty: not in the roster)"),
        max_length=20,
        required=False,
    )

    def clean_dsn(self):
        dsn = self.cleaned_data["dsn"].strip()
        if not dsn:
            return None
        employee = Employee.objects.filter(dsn=dsn).first()
        if employee is None:
            raise forms.ValidationError(_("No employee in the roster has that number."))
        return employee


class ExtendForm(VersionForm):
    id_prefix = "extend"
    new_due = forms.DateField(
        label=_("New due date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea)


class NoteForm(CaseForm):
    id_prefix = "note"

    body = forms.CharField(label=_("Internal note"), max_length=10000, widget=forms.Textarea)


class MessageForm(CaseForm):
    id_prefix = "message"

    body = forms.CharField(
        label=_("Message to the complainant"), max_length=5000, widget=forms.Textarea
    )


class StaffComplaintForm(forms.Form):
    """A complaint taken by phone, letter, email or in person."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    channel = forms.ChoiceField(
        label=_("How it came in"),
        choices=[(c.value, c.label) for c in STAFF_CHANNELS],
    )
    language = forms.ChoiceField(
        label=_("Complainant's language"),
        choices=[("en", _("English")), ("es", _("Spanish")), ("bs", _("Bosnian"))],
    )
    submitter_name = forms.CharField(label=_("Complainant's name"), max_length=200, required=False)
    submitter_email = forms.EmailField(label=_("Email"), required=False)
    submitter_phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    submitter_address = forms.CharField(
        label=_("Mailing address"), max_length=500, required=False, widget=forms.Textarea
    )
    occurred_on = forms.DateField(
        label=_("Date of the incident"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    location = forms.CharField(label=_("Place"), max_length=300, required=False)
    narrative = forms.CharField(label=_("What happened"), max_length=20000, widget=forms.Textarea)
    categories = forms.MultipleChoiceField(
        label=_("Allegations"),
        choices=AllegationCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    employee_name = forms.CharField(label=_("Employee's name"), max_length=200, required=False)
    employee_badge = forms.CharField(
        label=_("Employee's badge or DSN number"), max_length=20, required=False
    )
    witness_name = forms.CharField(label=_("Witness's name"), max_length=200, required=False)
    witness_contact = forms.CharField(
        label=_("How to reach the witness"), max_length=300, required=False
    )

    def submission_data(self) -> SubmissionData:
        data = self.cleaned_data
        employees = []
        if data["employee_name"] or data["employee_badge"]:
            employees.append(EmployeeData(name=data["employee_name"], badge=data["employee_badge"]))
        witnesses = []
        if data["witness_name"] or data["witness_contact"]:
            witnesses.append(
                WitnessData(name=data["witness_name"], contact=data["witness_contact"])
            )
        return SubmissionData(
            kind=Submission.Kind.COMPLAINT,
            narrative=data["narrative"],
            language=data["language"],
            channel=data["channel"],
            submitter_name=data["submitter_name"],
            submitter_email=data["submitter_email"],
            submitter_phone=data["submitter_phone"],
            submitter_address=data["submitter_address"],
            occurred_on=data["occurred_on"],
            location=data["location"],
            categories=data["categories"],
            employees=employees,
            witnesses=witnesses,
        )
