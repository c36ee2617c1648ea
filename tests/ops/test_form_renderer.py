"""The Python widget renderer writes exactly what Django's widget and label templates write."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from intake.forms import SubmissionForms
from ops.forms import FastWidgetRenderer

TEMPLATES = DjangoTemplates()
FAST = FastWidgetRenderer()

# Text with the characters HTML cares about, and some that it does not.
text = st.text(alphabet=st.sampled_from("ab Zé<>&\"'/=-_0\n"), max_size=12)
attr_value = st.one_of(
    text,
    text.map(mark_safe),
    st.booleans(),
    st.none(),
    st.integers(-5, 500),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
)
attr_name = st.sampled_from(["class", "id", "placeholder", "data-x", "aria-describedby", "rows"])
attrs = st.dictionaries(attr_name, attr_value, max_size=4)
choice_value = st.one_of(text, st.integers(0, 99))
choices = st.lists(st.tuples(choice_value, text), max_size=5)
grouped = st.lists(st.one_of(st.tuples(choice_value, text), st.tuples(text, choices)), max_size=4)

INPUTS = [
    forms.TextInput,
    forms.EmailInput,
    forms.NumberInput,
    forms.URLInput,
    forms.PasswordInput,
    forms.HiddenInput,
    forms.DateInput,
    forms.TimeInput,
    forms.DateTimeInput,
    forms.FileInput,
    forms.CheckboxInput,
]
MULTIPLE = [forms.Select, forms.SelectMultiple, forms.CheckboxSelectMultiple, forms.RadioSelect]


def both(widget: forms.Widget, name: str, value, attrs: dict | None) -> tuple[str, str]:
    return (
        widget.render(name, value, attrs=attrs, renderer=TEMPLATES),
        widget.render(name, value, attrs=attrs, renderer=FAST),
    )


@settings(max_examples=150, deadline=None)
@given(
    widget_class=st.sampled_from(INPUTS + [forms.Textarea]),
    name=text,
    value=st.one_of(
        text, st.none(), st.booleans(), st.integers(), st.dates(), st.times(), text.map(mark_safe)
    ),
    widget_attrs=attrs,
    render_attrs=st.one_of(st.none(), attrs),
)
def test_inputs_and_textareas_are_written_as_the_templates_write_them(
    widget_class, name, value, widget_attrs, render_attrs
):
    expected, fast = both(widget_class(attrs=widget_attrs), name, value, render_attrs)
    assert fast == expected


@settings(max_examples=150, deadline=None)
@given(
    widget_class=st.sampled_from(MULTIPLE),
    name=text,
    options=grouped,
    value=st.one_of(st.none(), choice_value, st.lists(choice_value, max_size=3)),
    widget_attrs=attrs,
    render_attrs=st.one_of(st.none(), attrs),
)
def test_choice_widgets_are_written_as_the_templates_write_them(
    widget_class, name, options, value, widget_attrs, render_attrs
):
    widget = widget_class(attrs=widget_attrs, choices=options)
    expected, fast = both(widget, name, value, render_attrs)
    assert fast == expected


@settings(max_examples=50, deadline=None)
@given(options=choices, value=st.lists(choice_value, max_size=3), wrap=st.booleans())
def test_one_option_of_a_checkbox_list_is_written_as_its_template_writes_it(options, value, wrap):
    # A page that lays out the boxes itself renders each one alone (`{{ choice.tag }}`).
    widget = forms.CheckboxSelectMultiple(choices=options)
    for option in widget.subwidgets("pick", value, {"id": "id_pick"}):
        context = {"widget": {**option, "wrap_label": wrap}}
        assert FAST.render(option["template_name"], context) == TEMPLATES.render(
            option["template_name"], context
        )


@settings(max_examples=100, deadline=None)
@given(
    label=st.one_of(text, text.map(mark_safe)),
    field_id=st.one_of(st.none(), text),
    suffix=st.one_of(st.none(), text),
    label_attrs=st.one_of(st.none(), attrs),
    tag=st.one_of(st.none(), st.sampled_from(["label", "legend"])),
    # A list of boxes or buttons has no one element for its label to point at: unless the
    # field is required, its label_tag gets no attributes at all (None, not {}).
    widget_class=st.sampled_from(
        [forms.TextInput, forms.RadioSelect, forms.CheckboxSelectMultiple]
    ),
    required=st.booleans(),
)
def test_a_fields_label_is_written_as_its_template_writes_it(
    label, field_id, suffix, label_attrs, tag, widget_class, required
):
    def label_tag(renderer) -> str:
        form = forms.Form(auto_id="%s" if field_id else False, renderer=renderer)
        form.fields["name"] = forms.CharField(
            label=label,
            required=required,
            widget=widget_class(attrs={"id": field_id} if field_id else {}),
        )
        return form["name"].label_tag(label_suffix=suffix, attrs=label_attrs, tag=tag)

    assert label_tag(FAST) == label_tag(TEMPLATES)


@pytest.mark.parametrize("language", ["en", "es", "bs"])
@pytest.mark.parametrize("kind", ["complaint", "compliment"])
@pytest.mark.django_db
def test_every_field_of_the_public_forms_renders_as_before(kind, language):
    bound = {
        "submitter_name": "Ana <b>",
        "submitter_email": "not an email",
        "occurred_on": datetime.date(2026, 1, 2).isoformat(),
        "occurred_time": "21:30",
        "narrative": "",
        "categories": ["discourtesy", "bias"],
        "language": "es",
        "employees-TOTAL_FORMS": "2",
        "employees-INITIAL_FORMS": "0",
        "employees-0-name": "O'Brien & Co",
        "witnesses-TOTAL_FORMS": "1",
        "witnesses-INITIAL_FORMS": "0",
    }
    with translation.override(language):
        for data in (None, bound):
            forms_ = SubmissionForms(kind=kind, data=data)
            if data is not None:
                forms_.is_valid()
            every = [forms_.form, *forms_.employees.forms, forms_.employees.management_form]
            for form in every:
                for field in form:
                    form.renderer = TEMPLATES
                    expected = field.as_widget(attrs={"class": "form-control"})
                    form.renderer = FAST
                    assert field.as_widget(attrs={"class": "form-control"}) == expected
