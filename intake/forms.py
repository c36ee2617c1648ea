"""The public forms, and `SubmissionForms`, the one validation path for everything the public
sends: the web pages bind it to a POST, the JSON API to a request body."""

import math
import re
import time
import unicodedata
from functools import cached_property

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from directory.models import ServiceArea
from ops.formcopy import CheaplyCopiedForm, CheaplyCopiedFormSet
from ops.forms import ListedChoices
from ops.rowsql import row_by_unique

from .attachments import CheckedAttachment, attachment_check, limits
from .models import AllegationCategory, Submission
from .services import EmployeeData, SubmissionData, WitnessData

MAX_EMPLOYEES = 20
MAX_WITNESSES = 20
_PHONE_DIGITS = re.compile(r"\d")
_PHONE_CHARACTERS = re.compile(r"^[0-9+().\-\s/#*a-zA-Z]*$")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def normalised(value: str) -> str:
    """Text in the one Unicode form we store (NFC), refused when it cannot be stored at all.
    Length limits are checked on this form, not on what was sent: normalising can lengthen a
    text (U+FB2C becomes three characters), and the database holds the normalised one."""
    value = unicodedata.normalize("NFC", value)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which only JSON can carry
        raise ValidationError(
            _("This contains characters that cannot be stored. Remove them and try again."),
            code="unstorable",
        ) from None
    return value


class _Normalised:
    def to_python(self, value):
        value = super().to_python(value)
        return normalised(value) if isinstance(value, str) else value


class TextField(_Normalised, forms.CharField):
    """A public text field: normalised before its length and other checks run."""


class EmailAddressField(_Normalised, forms.EmailField):
    pass


class AreaField(forms.ModelChoiceField):
    """The city or area, by its name as the form lists it, among every area. A name no area
    could have (a NUL character, a lone surrogate, or longer than any name) is an invalid
    choice, not a query the database refuses. The name is found among the areas as this
    process last read them (areas_offered), else looked up in SQL of its own (ops.rowsql): an
    area added a moment ago is taken. One deleted in another process less than
    AREAS_FRESH_SECONDS ago is refused by the insert (intake.services.AreaGone)."""

    iterator = ListedChoices

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, ServiceArea):
            value = value.name
        if not isinstance(value, str) or len(value) > 200 or "\x00" in value:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None
        row = _areas()[1].get(value) or row_by_unique(ServiceArea, "name", value, *_AREA_FIELDS)
        if row is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return ServiceArea.from_db(DEFAULT_DB_ALIAS, _AREA_FIELDS, row)


class PublicForm(CheaplyCopiedForm):
    """What every public form shares: a honeypot field that people never see (it is not
    displayed) and bots fill in. Text fields are `TextField`s, normalised before validation."""

    website = TextField(
        label=_("Leave this empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


def _phone_valid(value: str) -> None:
    if not _PHONE_CHARACTERS.match(value) or len(_PHONE_DIGITS.findall(value)) < 7:
        raise ValidationError(
            _("Enter a phone number with at least 7 digits, like 314-555-0100."), code="phone"
        )


def _not_in_future(value):
    if value and value > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future")


class AboutYouFields(PublicForm):
    submitter_name = TextField(
        label=_("Your name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    submitter_email = EmailAddressField(
        label=_("Your email address"),
        max_length=254,
        required=False,
        help_text=_("We send your tracking number and updates here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    submitter_phone = TextField(
        label=_("Your phone number"),
        max_length=40,
        required=False,
        validators=[_phone_valid],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    language = forms.ChoiceField(
        label=_("Language we should write to you in"),
        choices=settings.LANGUAGES,
        required=False,
    )


class ComplaintForm(AboutYouFields):
    """The public complaint form (its employee and witness rows are formsets)."""

    submitter_address = TextField(
        label=_("Your mailing address"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    preferred_contact = forms.ChoiceField(
        label=_("How should we contact you?"),
        choices=[("", _("No preference"))] + Submission.ContactMethod.choices,
        required=False,
    )
    on_behalf_of_other = forms.BooleanField(
        label=_("I am filing this for someone else"), required=False
    )
    relationship = TextField(
        label=_("Your relationship to them"),
        max_length=100,
        required=False,
        help_text=_("For example: parent, friend, lawyer."),
    )
    other_person_contact = TextField(
        label=_("Their name and how to reach them"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    occurred_on = forms.DateField(
        label=_("Date"),
        required=False,
        widget=DateInput,
        validators=[_not_in_future],
        help_text=_("If you are not sure, give your best guess and tick “approximate”."),
    )
    occurred_time = forms.TimeField(label=_("Time"), required=False, widget=TimeInput)
    occurred_approximate = forms.BooleanField(
        label=_("The date or time is approximate"), required=False
    )
    location = TextField(
        label=_("Where did it happen?"),
        max_length=300,
        required=False,
        help_text=_("An address, an intersection or a landmark."),
    )
    service_area = AreaField(
        label=_("City or area"),
        queryset=ServiceArea.objects.all(),
        to_field_name="name",
        required=False,
        empty_label=_("Not sure"),
        help_text=_("The department also polices these cities and districts by contract."),
    )
    narrative = TextField(
        label=_("What happened?"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Tell us in your own words. You can write up to 20,000 characters."),
        error_messages={"required": _("Tell us what happened.")},
    )
    categories = forms.MultipleChoiceField(
        label=_("What is your complaint about?"),
        choices=AllegationCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose all that apply. If you are not sure, leave them empty."),
    )
    declaration = forms.BooleanField(
        label=_("What I have written is true, as far as I know."),
        error_messages={
            "required": _("Tick the box to confirm that what you wrote is true as far as you know.")
        },
    )

    def clean_categories(self) -> list[str]:
        # Each category once, however often it was sent.
        return list(dict.fromkeys(self.cleaned_data["categories"]))

    def clean(self):
        cleaned = super().clean()
        contact = cleaned.get("preferred_contact")
        if contact == Submission.ContactMethod.EMAIL and not cleaned.get("submitter_email"):
            self.add_error(
                "submitter_email",
                _("You asked us to contact you by email: enter your email address."),
            )
        if contact == Submission.ContactMethod.PHONE and not cleaned.get("submitter_phone"):
            self.add_error(
                "submitter_phone",
                _("You asked us to contact you by phone: enter your phone number."),
            )
        if contact == Submission.ContactMethod.MAIL and not cleaned.get("submitter_address"):
            self.add_error(
                "submitter_address",
                _("You asked us to contact you by mail: enter your mailing address."),
            )
        return cleaned


class ComplimentForm(AboutYouFields):
    occurred_on = ComplaintForm.base_fields["occurred_on"]
    occurred_approximate = ComplaintForm.base_fields["occurred_approximate"]
    location = ComplaintForm.base_fields["location"]
    service_area = ComplaintForm.base_fields["service_area"]
    narrative = TextField(
        label=_("What did they do?"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Tell us what the employee did.")},
    )
    share_publicly = forms.BooleanField(
        label=_("The department may share this compliment publicly"),
        required=False,
        help_text=_("We never publish your name or contact details."),
    )


class EmployeeForm(PublicForm):
    name = TextField(label=_("Name"), max_length=200, required=False)
    badge = TextField(label=_("Badge or DSN number"), max_length=20, required=False)
    car_number = TextField(label=_("Car number"), max_length=20, required=False)
    description = TextField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What they looked like, their rank or what they did."),
    )
    website = None


class WitnessForm(PublicForm):
    name = TextField(label=_("Name"), max_length=200, required=False)
    contact = TextField(
        label=_("How to reach them"),
        max_length=300,
        required=False,
        help_text=_("A phone number, an email or an address."),
    )
    website = None


EmployeeFormSet = forms.formset_factory(
    EmployeeForm,
    formset=CheaplyCopiedFormSet,
    extra=1,
    max_num=MAX_EMPLOYEES,
    validate_max=True,
    absolute_max=MAX_EMPLOYEES,
)
WitnessFormSet = forms.formset_factory(
    WitnessForm,
    formset=CheaplyCopiedFormSet,
    extra=1,
    max_num=MAX_WITNESSES,
    validate_max=True,
    absolute_max=MAX_WITNESSES,
)


class AttachmentsForm(CheaplyCopiedForm):
    attachments = MultipleFileField(label=_("Photos, video, audio or documents"), required=False)

    def clean_attachments(self) -> list[CheckedAttachment]:
        files = self.cleaned_data["attachments"]
        if len(files) > settings.CANDOR_ATTACHMENT_MAX_COUNT:
            raise ValidationError(
                _("You can add up to %(count)s files. Choose the most important ones."),
                code="too_many",
                params={"count": settings.CANDOR_ATTACHMENT_MAX_COUNT},
            )
        checked, errors = [], []
        for upload in files:
            try:
                checked.append(attachment_check(upload))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return checked


# The areas the forms offer, as each web process last read them for the markup key and to
# find the area a form names: read again after AREAS_FRESH_SECONDS, and at once after a change
# made through this process. Spares the form page and the POST a query each; another process
# shows a new area within those seconds.
AREAS_FRESH_SECONDS = 10.0
_AREA_FIELDS = [field.attname for field in ServiceArea._meta.concrete_fields]
_ID, _NAME = _AREA_FIELDS.index("id"), _AREA_FIELDS.index("name")
_areas_read: tuple[float, tuple, dict] = (-math.inf, (), {})


def areas_offered() -> tuple:
    """(id, name) of every area, by name."""
    return _areas()[0]


def _areas() -> tuple[tuple, dict[str, tuple]]:
    """The areas offered, and each area's row (_AREA_FIELDS) by its name."""
    global _areas_read
    read_at, offered, by_name = _areas_read
    if time.monotonic() - read_at >= AREAS_FRESH_SECONDS:
        rows = ServiceArea.objects.order_by("name").values_list(*_AREA_FIELDS)
        by_name = {row[_NAME]: row for row in rows}
        offered = tuple((row[_ID], row[_NAME]) for row in by_name.values())
        _areas_read = (time.monotonic(), offered, by_name)
    return offered, by_name


def _areas_changed(**kwargs) -> None:
    global _areas_read
    _areas_read = (-math.inf, (), {})


post_save.connect(_areas_changed, sender=ServiceArea, dispatch_uid="intake-areas-saved")
post_delete.connect(_areas_changed, sender=ServiceArea, dispatch_uid="intake-areas-deleted")


class SubmissionForms:
    """A complaint or compliment with its employee and witness rows and its files, validated
    together. `add` re-shows the form with one more employee or witness row instead of
    validating it: the way to add rows that works without JavaScript. `language` is the one
    an unbound form offers first.

    Each form is made when first used: a public page kept unbound (intake/kept.py) needs only
    markup_key, and making the forms (Django copies every field of each) was a fifth of the
    page's time."""

    def __init__(
        self,
        *,
        kind: str,
        data=None,
        files=None,
        add: str | None = None,
        form_class=None,
        language: str | None = None,
    ):
        self.kind = kind
        self.bound = data is not None
        self.adding = add if add in ("employee", "witness") else None
        if self.adding and data is not None:
            data = data.copy()
            prefix = {"employee": "employees", "witness": "witnesses"}[self.adding]
            rows = _int(data.get(f"{prefix}-TOTAL_FORMS"))
            limit = MAX_EMPLOYEES if self.adding == "employee" else MAX_WITNESSES
            data[f"{prefix}-TOTAL_FORMS"] = str(min(rows + 1, limit))
        self._data, self._files, self._language = data, files, language
        # Staff entering a complaint by hand pass their own form (cases/forms.py), built on these.
        self._form_class = form_class or (
            ComplaintForm if kind == Submission.Kind.COMPLAINT else ComplimentForm
        )
        # A posted form is validated and shown again, never changed: the public forms share
        # their classes' fields then, where they may (ops.formcopy; the files' widget may not).
        # The staff's own form changes its fields.
        self._shared = {"share_fields": self.bound}
        self._form_shared = {"share_fields": self.bound and form_class is None}
        self.limits = limits()

    @cached_property
    def form(self) -> forms.Form:
        form = self._form_class(self._data, **self._form_shared)
        if self._language is not None:
            form.initial["language"] = self._language
        return form

    @cached_property
    def employees(self):
        return EmployeeFormSet(self._data, prefix="employees", form_kwargs=self._shared)

    @cached_property
    def witnesses(self):
        if self.kind != Submission.Kind.COMPLAINT:
            return None
        return WitnessFormSet(self._data, prefix="witnesses", form_kwargs=self._shared)

    @cached_property
    def files(self) -> AttachmentsForm:
        return AttachmentsForm(self._data, self._files, **self._shared)

    @property
    def show_errors(self) -> bool:
        return self.bound and not self.adding

    def markup_key(self) -> tuple:
        """Everything the markup of these forms, unbound, depends on besides the template: the
        kind, the language, the areas offered and the file limits. Equal keys, equal markup
        (the public pages are kept under it, see intake/kept.py)."""
        return (self.kind, get_language(), areas_offered(), tuple(self.limits.items()))

    def is_valid(self) -> bool:
        if not self.bound or self.adding:
            return False
        valid = self.form.is_valid()
        valid = self.employees.is_valid() and valid
        if self.witnesses is not None:
            valid = self.witnesses.is_valid() and valid
        valid = self.files.is_valid() and valid
        nobody_named = (
            self.kind == Submission.Kind.COMPLIMENT
            and self.employees.is_valid()
            and not self._rows(self.employees)
        )
        if nobody_named:
            self.employees._non_form_errors = self.employees.error_class(
                [_("Tell us who you want to compliment: a name, badge number or description.")],
                renderer=self.employees.renderer,
            )
            valid = False
        return valid

    @staticmethod
    def _rows(formset) -> list[dict]:
        return [
            {k: v for k, v in form.cleaned_data.items() if k != "website"}
            for form in formset.forms
            if form.has_changed() and any(form.cleaned_data.values())
        ]

    @property
    def honeypot(self) -> str:
        return self.form.cleaned_data.get("website", "")

    @property
    def attachments(self) -> list[CheckedAttachment]:
        return self.files.cleaned_data.get("attachments", [])

    def to_data(self, *, language: str, channel: str = Submission.Channel.WEB) -> SubmissionData:
        cleaned = self.form.cleaned_data
        area = cleaned.get("service_area")
        data = SubmissionData(
            kind=self.kind,
            narrative=cleaned["narrative"],
            language=cleaned.get("language") or language,
            channel=channel,
            submitter_name=cleaned.get("submitter_name", ""),
            submitter_email=cleaned.get("submitter_email", ""),
            submitter_phone=cleaned.get("submitter_phone", ""),
            occurred_on=cleaned.get("occurred_on"),
            occurred_approximate=cleaned.get("occurred_approximate", False),
            location=cleaned.get("location", ""),
            service_area_id=area.pk if area else None,
            employees=[EmployeeData(**row) for row in self._rows(self.employees)],
        )
        if self.kind == Submission.Kind.COMPLAINT:
            data.submitter_address = cleaned.get("submitter_address", "")
            data.preferred_contact = cleaned.get("preferred_contact", "")
            data.on_behalf_of_other = cleaned.get("on_behalf_of_other", False)
            data.relationship = cleaned.get("relationship", "")
            data.other_person_contact = cleaned.get("other_person_contact", "")
            data.occurred_time = cleaned.get("occurred_time")
            data.categories = list(cleaned.get("categories", []))
            data.declaration = cleaned.get("declaration", False)
            data.witnesses = [WitnessData(**row) for row in self._rows(self.witnesses)]
        else:
            data.share_publicly = cleaned.get("share_publicly", False)
        return data

    def error_summary(self) -> list[tuple[str, str]]:
        """(message, id of the field it is about), in the order of the page."""
        items = [(str(e), _anchor(self.form[name])) for name, e in _field_errors(self.form)]
        items += [(str(e), "error-summary") for e in self.form.non_field_errors()]
        for label, formset in (
            (_("Employee %(row)s"), self.employees),
            (_("Witness %(row)s"), self.witnesses),
        ):
            if formset is None:
                continue
            for error in formset.non_form_errors():
                items.append((str(error), f"{formset.prefix}-fieldset"))
            for row, form in enumerate(formset.forms, start=1):
                for name, error in _field_errors(form):
                    text = f"{label % {'row': row}}: {error}"
                    items.append((text, _anchor(form[name])))
        items += [
            (str(e), _anchor(self.files["attachments"])) for _n, e in _field_errors(self.files)
        ]
        return items

    def errors_json(self) -> dict:
        """The same errors, for the JSON API: field name to messages, rows by position."""
        errors = {name: [str(e) for e in errs] for name, errs in self.form.errors.items()}
        for formset in (self.employees, self.witnesses):
            if formset is None:
                continue
            rows = {
                str(row): {name: [str(e) for e in errs] for name, errs in form.errors.items()}
                for row, form in enumerate(formset.forms)
                if form.errors
            }
            if rows or formset.non_form_errors():
                errors[formset.prefix] = {
                    **rows,
                    **(
                        {"__all__": [str(e) for e in formset.non_form_errors()]}
                        if formset.non_form_errors()
                        else {}
                    ),
                }
        return errors


def _field_errors(form):
    for name, errors in form.errors.items():
        if name == "__all__":
            continue
        for error in errors:
            yield name, error


def _anchor(bound_field) -> str:
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


def _int(value) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


class MessageForm(forms.Form):
    body = TextField(
        label=_("Your message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write your message before sending it.")},
    )
