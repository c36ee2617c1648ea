"""A form's fields copied attribute by attribute are what Django's deep copy makes: the same
values, and anew whatever Django makes anew, so one form's changes never reach another's."""

import copy

import pytest
from django import forms
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.models import ServiceArea
from intake import forms as intake_forms
from ops.formcopy import CheaplyCopiedForm, field_copy

pytestmark = pytest.mark.django_db

LABELS = st.one_of(st.text(max_size=5), st.sampled_from([intake_forms._("Other"), "x"]))
PAIRS = st.tuples(st.one_of(st.text(max_size=5), st.integers(), st.none()), LABELS)
CHOICES = st.lists(
    st.one_of(PAIRS, st.tuples(st.text(max_size=5), st.lists(PAIRS, max_size=3))), max_size=4
)


def django_fields():
    return [
        forms.CharField(max_length=5, widget=forms.TextInput(attrs={"class": "a"})),
        forms.EmailField(required=False),
        forms.IntegerField(widget=forms.HiddenInput),
        forms.DateField(widget=forms.DateInput(attrs={"type": "date"})),
        forms.BooleanField(required=False),
        forms.ChoiceField(choices=[("a", "A"), ("Group", [("b", "B")])]),
        forms.MultipleChoiceField(choices=[(1, "one")], widget=forms.CheckboxSelectMultiple),
        forms.TypedChoiceField(choices=[("1", "one")], coerce=int),
        forms.ModelChoiceField(queryset=ServiceArea.objects.all()),
        forms.SplitDateTimeField(),  # a MultiValueField: copied by deepcopy
        forms.FileField(required=False),
    ]


def our_fields():
    classes = [
        value
        for value in vars(intake_forms).values()
        if isinstance(value, type) and issubclass(value, CheaplyCopiedForm)
    ]
    assert len(classes) >= 5
    return [field for form in classes for field in form.base_fields.values()]


def assert_copied_as_django_copies(field):
    ours, djangos = field_copy(field, {}), copy.deepcopy(field)
    assert type(ours) is type(djangos) and vars(ours).keys() == vars(djangos).keys()
    for name, value in vars(djangos).items():
        mine = getattr(ours, name)
        if name == "widget":
            assert type(mine) is type(value) and mine is not field.widget
            assert vars(mine).keys() == vars(value).keys()
            assert mine.attrs == value.attrs and mine.attrs is not field.widget.attrs
            assert getattr(mine, "choices", None) == getattr(value, "choices", None)
        elif name in ("_queryset", "queryset"):
            assert mine is not getattr(field, name) and str(mine.query) == str(value.query)
        elif name == "fields":
            assert [type(f) for f in mine] == [type(f) for f in value]
        else:
            assert mine == value, name
        if isinstance(value, (list, dict)) and value is not getattr(field, name):
            assert mine is not getattr(field, name), name  # made anew, as Django makes it


@pytest.mark.parametrize("index", range(len(django_fields())))
def test_a_django_field_is_copied_as_django_copies_it(index):
    assert_copied_as_django_copies(django_fields()[index])


def test_every_field_of_the_public_forms_is_copied_as_django_copies_it():
    for field in our_fields():
        assert_copied_as_django_copies(field)


@given(choices=CHOICES)
def test_any_choices_are_copied_as_django_copies_them(choices):
    field = forms.ChoiceField(choices=choices)
    ours, djangos = field_copy(field, {}), copy.deepcopy(field)
    assert ours.choices == djangos.choices == field.choices
    assert ours._choices is not field._choices
    for mine, base in zip(ours._choices, field._choices, strict=True):
        if isinstance(base[1], list):
            assert mine[1] is not base[1]  # a group's list, made anew


def test_one_forms_change_to_its_fields_never_reaches_another():
    first, second = intake_forms.ComplaintForm(), intake_forms.ComplaintForm()
    first.fields["narrative"].widget.attrs["data-x"] = "1"
    first.fields["narrative"].error_messages["required"] = "changed"
    first.fields["narrative"].validators.append(lambda value: None)
    first.fields["language"].choices = [("xx", "Xx")]
    fresh = intake_forms.ComplaintForm()
    for form in (second, fresh):
        assert "data-x" not in form.fields["narrative"].widget.attrs
        assert form.fields["narrative"].error_messages["required"] != "changed"
        assert len(form.fields["narrative"].validators) == len(
            intake_forms.ComplaintForm.base_fields["narrative"].validators
        )
        assert ("xx", "Xx") not in form.fields["language"].choices
    assert first.fields["service_area"].queryset is not second.fields["service_area"].queryset


class DeepCopiedComplaintForm(intake_forms.ComplaintForm):
    """The complaint form with its fields in a plain dict: Django's deep copy makes its own."""


DeepCopiedComplaintForm.base_fields = dict(intake_forms.ComplaintForm.base_fields)


def test_a_form_renders_and_cleans_the_same_whichever_way_its_fields_were_copied():
    data = {"narrative": "x" * 30, "service_area": "nowhere", "language": "es"}
    for bound in ({}, {"data": data}):
        ours = intake_forms.ComplaintForm(**bound)
        djangos = DeepCopiedComplaintForm(**bound)
        assert type(DeepCopiedComplaintForm.base_fields) is dict
        assert ours.as_div() == djangos.as_div()
        assert ours.is_valid() == djangos.is_valid() and ours.errors == djangos.errors


COUNTS = st.one_of(st.none(), st.integers(-3, 30).map(str), st.text(max_size=4))


@given(
    counts=st.fixed_dictionaries(
        dict.fromkeys(("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"), COUNTS)
    ),
    names=st.lists(st.text(max_size=8), max_size=4),
)
def test_a_bound_management_form_reads_a_post_as_djangos_does(counts, names):
    data = {f"employees-{name}": value for name, value in counts.items() if value is not None}
    data |= {f"employees-{n}-name": name for n, name in enumerate(names)}
    ours = intake_forms.EmployeeFormSet(data, prefix="employees")
    djangos = forms.formset_factory(
        intake_forms.EmployeeForm,
        extra=1,
        max_num=intake_forms.MAX_EMPLOYEES,
        validate_max=True,
        absolute_max=intake_forms.MAX_EMPLOYEES,
    )(data, prefix="employees")
    assert type(ours.management_form).__mro__[1] is CheaplyCopiedForm
    assert ours.management_form.cleaned_data == djangos.management_form.cleaned_data
    assert ours.management_form.errors == djangos.management_form.errors
    assert ours.is_valid() == djangos.is_valid()
    assert ours.non_form_errors() == djangos.non_form_errors()
    assert str(ours.management_form) == str(djangos.management_form)
    assert ours.total_form_count() == djangos.total_form_count()


def _state(form_class) -> list:
    """Everything a form class's fields and widgets hold, to compare before and after."""
    return [
        (name, type(field), repr(sorted(vars(field).items(), key=lambda item: item[0])))
        + (repr(sorted(vars(field.widget).items(), key=lambda item: item[0])),)
        for name, field in form_class.base_fields.items()
    ]


POSTS = st.fixed_dictionaries(
    {
        "narrative": st.text(max_size=30),
        "submitter_email": st.sampled_from(["", "not an address", "pat@example.com"]),
        "service_area": st.sampled_from(["", "nowhere"]),
        "occurred_on": st.sampled_from(["", "2031-01-01", "yesterday", "2026-02-03"]),
        "employees-TOTAL_FORMS": st.sampled_from(["1", "2", "x"]),
        "employees-INITIAL_FORMS": st.just("0"),
        "employees-0-name": st.text(max_size=10),
        "witnesses-TOTAL_FORMS": st.just("1"),
        "witnesses-INITIAL_FORMS": st.just("0"),
        "declaration": st.sampled_from(["", "on"]),
    }
)


@settings(max_examples=40, deadline=None)
@given(post=POSTS, add=st.sampled_from([None, "employee", "witness"]))
def test_posted_public_forms_share_their_fields_and_never_change_them(post, add):
    forms_of_a_post = [
        intake_forms.ComplaintForm,
        intake_forms.EmployeeForm,
        intake_forms.WitnessForm,
        intake_forms.AttachmentsForm,
    ]
    before = [_state(form_class) for form_class in forms_of_a_post]
    checked = intake_forms.SubmissionForms(kind="complaint", data=post, add=add)
    checked.is_valid()
    assert checked.form.fields["narrative"] is intake_forms.ComplaintForm.base_fields["narrative"]
    assert checked.form.fields is not intake_forms.ComplaintForm.base_fields
    # The files' widget notes on itself what a post held: that form copies its fields.
    files = checked.files.fields["attachments"]
    assert files is not intake_forms.AttachmentsForm.base_fields["attachments"]
    body = {**post, **({f"add_{add}": "1"} if add else {})}
    page = Client().post("/complaint/", body)  # valid, or shown again with its errors
    assert page.status_code in (200, 302)
    assert [_state(form_class) for form_class in forms_of_a_post] == before


def test_a_form_sharing_its_fields_renders_and_cleans_as_one_with_copies():
    data = {"narrative": "x" * 30, "service_area": "nowhere", "language": "es", "website": "y"}
    shared = intake_forms.ComplaintForm(data, share_fields=True)
    copied = intake_forms.ComplaintForm(data)
    assert shared.is_valid() == copied.is_valid() and shared.errors == copied.errors
    assert shared.as_div() == copied.as_div()
    shared.fields["extra"] = forms.CharField()  # a field added is the form's own
    assert "extra" not in intake_forms.ComplaintForm.base_fields
