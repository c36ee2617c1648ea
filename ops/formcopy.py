"""Each form's own copy of its class's fields, made as Django makes it, only cheaper.

Django gives every form instance a deep copy of its class's fields, so that one form can
change its fields without touching another's. The copy goes through `copy.copy`, which pickles
and unpickles each field and each widget: a complaint's six forms (the form, its employee and
witness rows, their management forms) spent a tenth of the web side's CPU on it under load.
Here a field and its widget are copied attribute by attribute, with exactly what Django's
`__deepcopy__` methods copy anew (the widget, its attrs, the error messages, the validators,
a choice field's choices, a model choice field's queryset); a field or widget of any other
kind (a MultiValueField, a MultiWidget, or one with its own `__deepcopy__`) goes through
`copy.deepcopy` as before. Django's formsets make their management forms themselves:
CheaplyCopiedFormSet makes a bound one from the same fields, copied this way.
`tests/ops/test_formcopy.py` holds the copies to Django's."""

import copy
from functools import cache, cached_property

from django import forms
from django.forms.forms import DeclarativeFieldsMetaclass
from django.forms.formsets import ManagementForm
from django.forms.widgets import ChoiceWidget
from django.utils.functional import Promise

_TEXT = (str, int, bool, type(None))
_FIELD_COPIES = {
    forms.Field.__deepcopy__,
    forms.ChoiceField.__deepcopy__,
    forms.ModelChoiceField.__deepcopy__,
}


def _attributes_copy(thing):
    new = object.__new__(type(thing))
    new.__dict__.update(thing.__dict__)
    return new


def _widget_copy(widget: forms.Widget, memo: dict) -> forms.Widget:
    kind = type(widget).__deepcopy__
    if kind not in (forms.Widget.__deepcopy__, ChoiceWidget.__deepcopy__):
        return copy.deepcopy(widget, memo)
    new = _attributes_copy(widget)
    new.attrs = widget.attrs.copy()
    if kind is ChoiceWidget.__deepcopy__:
        # Django sets a copy through the property, which normalises the choices again.
        copied = _plain_choices_copy(widget.choices)
        if copied is None:
            new.choices = copy.copy(widget.choices)
        else:
            new._choices = copied
    memo[id(widget)] = new
    return new


def _plain_choices_copy(choices) -> list | None:
    """What deepcopy makes of choices as Django keeps them, a list of (value, label) pairs of
    text, a group's label being its list of pairs: the lists anew, the pairs themselves (a
    tuple of text is its own deep copy). None for choices of any other shape."""
    if type(choices) is not list or not all(_plain(pair) for pair in choices):
        return None
    return [pair if type(pair[1]) is not list else (pair[0], pair[1][:]) for pair in choices]


def _plain(pair) -> bool:
    """A (value, label) pair of text, or a group's (name, [pairs of text])."""
    if type(pair) is not tuple or len(pair) != 2 or type(pair[0]) not in _TEXT:
        return False
    label = pair[1]
    if type(label) is list:
        return all(_plain(option) and type(option[1]) is not list for option in label)
    return type(label) in _TEXT or isinstance(label, Promise)


def field_copy(field: forms.Field, memo: dict) -> forms.Field:
    """A copy of `field` for one form, as `copy.deepcopy(field, memo)` makes it."""
    kind = type(field).__deepcopy__
    if kind not in _FIELD_COPIES:
        return copy.deepcopy(field, memo)
    new = _attributes_copy(field)
    memo[id(field)] = new
    new.widget = _widget_copy(field.widget, memo)
    new.error_messages = field.error_messages.copy()
    new.validators = field.validators[:]
    if kind is forms.ChoiceField.__deepcopy__:
        copied = _plain_choices_copy(field._choices)
        new._choices = copy.deepcopy(field._choices, memo) if copied is None else copied
    elif kind is forms.ModelChoiceField.__deepcopy__ and field.queryset is not None:
        new.queryset = field.queryset.all()
    return new


class _Fields(dict):
    """A form class's fields, which copy themselves with field_copy when a form is made."""

    def __deepcopy__(self, memo):
        return {name: field_copy(field, memo) for name, field in self.items()}


class _Declared(DeclarativeFieldsMetaclass):
    def __new__(mcs, name, bases, attrs):
        new_class = super().__new__(mcs, name, bases, attrs)
        new_class.base_fields = _Fields(new_class.base_fields)
        return new_class


class _SharedFields(dict):
    """A form's own dict of its class's field objects themselves: deepcopy gives it back."""

    def __deepcopy__(self, memo):
        return self


class CheaplyCopiedForm(forms.Form, metaclass=_Declared):
    """A form whose instances copy its fields with field_copy. Made with `share_fields=True`,
    a form uses its class's field objects themselves, in a dict of its own (a field added or
    removed is its own): for a form that is only validated and shown, as the public forms'
    posts are; the copies were a tenth of a public POST's CPU. Django's validation and
    rendering change no field and no widget, but for two (_shareable): a form with either
    copies its fields whatever it is asked. A form whose code changes its fields (a label, a
    queryset, `required`) must not be asked to share them."""

    def __init__(self, *args, share_fields: bool = False, **kwargs):
        if share_fields and _shareable(type(self)):
            self.base_fields = _SharedFields(type(self).base_fields)
        super().__init__(*args, **kwargs)


@cache
def _shareable(form_class: type[forms.Form]) -> bool:
    """Whether this form's fields may be shared: none is localized (its bound field marks the
    widget when it renders) and no widget is a ClearableFileInput (which notes on itself
    whether a post ticked its clear box)."""
    return not any(
        field.localize or isinstance(field.widget, forms.ClearableFileInput)
        for field in form_class.base_fields.values()
    )


class _ManagementForm(CheaplyCopiedForm, ManagementForm):
    """Django's management form (a formset's row counts), copying its fields with field_copy."""


class CheaplyCopiedFormSet(forms.BaseFormSet):
    """A formset whose management form, once bound, shares its class's fields (each post reads
    one per formset). Unbound, it is Django's own. Its rows share theirs when it is given
    `form_kwargs={"share_fields": True}`."""

    @cached_property
    def management_form(self):
        if not self.is_bound:
            return super().management_form
        form = _ManagementForm(
            self.data,
            auto_id=self.auto_id,
            prefix=self.prefix,
            renderer=self.renderer,
            share_fields=True,  # nothing changes a management form's fields
        )
        form.full_clean()
        return form
