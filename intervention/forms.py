from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Flag
from .services import NEXT_STATES


class FlagStateForm(forms.Form):
    state = forms.ChoiceField(
        label=_("New state"),
        choices=[],
        error_messages={"required": _("Choose the new state.")},
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("Why: what was looked at, what was decided. It is kept in the audit trail."),
        error_messages={"required": _("Write a note saying why.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, flag: Flag, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [
            (state, Flag.State(state).label) for state in NEXT_STATES[flag.state]
        ]
        self.fields["state"].error_messages["invalid_choice"] = _(
            "Choose one of the states offered."
        )
        self.initial.setdefault("version", flag.version)

    def error_summary(self) -> list[tuple[str, str]]:
        return [
            (str(error), self[name].auto_id if name in self.fields else "error-summary")
            for name, errors in self.errors.items()
            for error in errors
        ]


class FlagFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("open", _("Open (new, under review, intervention)")), ("", _("Any"))]
        + Flag.State.choices,
    )
