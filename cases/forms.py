from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import Employee
from intake.forms import ComplaintForm
from intake.models import AllegationCategory, InvolvedEmployee
from staff.roles import staff_name

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
        self.fields["assignee"].label_from_instance = staff_name


class ReasonForm(VersionForm):
    """The reason for reopening a case or returning its findings (`step` says which)."""

    id_prefix = "reason"

    def __init__(self, *args, step: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step

    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReferForm(VersionForm):
    id_prefix = "refer"
    referred_to = forms.CharField(label=_("Referred to (agency)"), max_length=200)
    referral_letter = forms.CharField(
        label=_("Referral letter to the complainant"), max_length=10000, widget=forms.Textarea
    )


class MergeForm(VersionForm):
    id_prefix = "merge"
    into = forms.CharField(label=_("Tracking number of the case it duplicates"), max_length=20)

    def __init__(self, *args, cases=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cases = cases  # the cases the person may see; only those can be merged into

    def clean_into(self) -> Case:
        number = self.cleaned_data["into"].strip().upper()
        into = self.cases.filter(submission__tracking_number=number).first()
        if into is None:
            raise forms.ValidationError(_("No case you can see has that tracking number."))
        return into


class AllegationForm(VersionForm):
    id_prefix = "allegation"
    category = forms.ChoiceField(label=_("Category"), choices=AllegationCategory.choices)
    involved = forms.ModelChoiceField(label=_("Employee"), queryset=None, required=False)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["involved"].queryset = case.submission.employees.select_related("employee")
        self.fields["involved"].label_from_instance = lambda person: person.label


class FindingsForm(VersionForm):
    """One finding field per allegation."""

    id_prefix = "findings"

    def __init__(self, *args, allegations, **kwargs):
        super().__init__(*args, **kwargs)
        self.allegations = allegations
        for allegation in allegations:
            self.fields[f"finding_{allegation.pk}"] = forms.ChoiceField(
                label=allegation.label,
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

    def __init__(self, *args, case: Case | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case

    def clean_involved(self) -> InvolvedEmployee:
        involved = self.case.submission.employees.filter(pk=self.cleaned_data["involved"]).first()
        if involved is None:
            raise forms.ValidationError(_("That employee is not named in this complaint."))
        return involved

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
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteForm(CaseForm):
    id_prefix = "note"

    body = forms.CharField(
        label=_("Internal note"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )


class NoticeSendAgainForm(CaseForm):
    id_prefix = "notice"

    notice = forms.IntegerField(widget=forms.HiddenInput)


class MessageForm(CaseForm):
    id_prefix = "message"

    body = forms.CharField(
        label=_("Message to the complainant"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class StaffComplaintForm(ComplaintForm):
    """A complaint taken by phone, letter, email or in person: the public complaint form's own
    fields and checks (intake/forms.py), worded for the staff member typing it in, plus how it
    came in. Used through intake's SubmissionForms, with its employee and witness rows."""

    website = None  # no honeypot: staff are signed in
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    channel = forms.ChoiceField(
        label=_("How it came in"),
        choices=[(c.value, c.label) for c in STAFF_CHANNELS],
    )

    STAFF_WORDING = {
        "submitter_name": (_("Complainant's name"), ""),
        "submitter_email": (_("Email"), ""),
        "submitter_phone": (_("Phone"), ""),
        "submitter_address": (_("Mailing address"), ""),
        "language": (_("Complainant's language"), ""),
        "preferred_contact": (_("How the complainant wants to be contacted"), ""),
        "on_behalf_of_other": (_("Filed for someone else"), ""),
        "relationship": (_("The complainant's relationship to them"), ""),
        "occurred_on": (_("Date of the incident"), ""),
        "location": (_("Place"), ""),
        "narrative": (_("What happened"), ""),
        "categories": (_("Allegations"), _("Tick every allegation the complainant makes.")),
        "declaration": (_("The complainant declared this true, as far as they know"), ""),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, help_text) in self.STAFF_WORDING.items():
            self.fields[name].label = label
            self.fields[name].help_text = help_text
        # The complainant's language is asked, not guessed from the staff member's browser.
        self.fields["language"].required = True
        self.fields["declaration"].required = False
        self.order_fields(["idempotency_key", "channel"])
