"""A choice's label, read from its enumeration.

Django's get_FOO_display builds a dictionary of every choice of the field on each call,
hashing each label, which translates it: a list of fifty cases showing two such fields
translated a thousand labels to show a hundred."""

from django.db.models import Choices
from django.utils.encoding import force_str


def choice_label(choices: type[Choices], value) -> str:
    """What get_FOO_display gives for `value` of a field with these `choices`: its label, in
    the active language, or the value itself when it is not one of them."""
    try:
        return force_str(choices(value).label)
    except ValueError:
        return value
