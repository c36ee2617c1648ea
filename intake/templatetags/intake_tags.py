"""The public pages' fields: label, hint, error and widget, with the hint and error tied to the
widget (aria-describedby, aria-invalid). Written in Python rather than as an included template:
the complaint form has some thirty fields, and an include per field was most of its page time."""

from django import forms, template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


def _widget(field: forms.BoundField, invalid: bool) -> SafeString:
    widget = field.field.widget
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if invalid:
        described.append(f"{field.auto_id}-error")
    attrs = {}
    if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
        attrs["class"] = "form-check-input"
    elif isinstance(widget, forms.Select):
        attrs["class"] = "form-select"
    elif not isinstance(widget, forms.HiddenInput):
        attrs["class"] = "form-control"
    if described and not isinstance(widget, forms.CheckboxSelectMultiple):
        attrs["aria-describedby"] = " ".join(described)
    if invalid:
        attrs["class"] += " is-invalid"
        if not isinstance(widget, forms.CheckboxSelectMultiple):
            attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.simple_tag
def public_field(field: forms.BoundField, show_errors=False) -> SafeString:
    """One field of a public form: a checkbox with its label after it, anything else with its
    label, "(optional)" when it is, the hint and the error above the widget."""
    invalid = bool(show_errors and field.errors)
    auto_id = conditional_escape(field.auto_id)
    hint = (
        format_html('<span class="hint" id="{}-hint">{}</span>', field.auto_id, field.help_text)
        if field.help_text
        else ""
    )
    error = (
        format_html(
            '<span class="error-message" id="{}-error"><span class="visually-hidden">{}</span>'
            " {}</span>",
            field.auto_id,
            gettext("Error:"),
            " ".join(conditional_escape(e) for e in field.errors),
        )
        if invalid
        else ""
    )
    has_error = " has-error" if invalid else ""
    widget = field.field.widget
    label = conditional_escape(field.label)
    if getattr(widget, "input_type", None) == "checkbox" and not getattr(
        widget, "allow_multiple_selected", False
    ):
        return mark_safe(  # noqa: S308 - every part above is escaped or built by format_html
            f'<div class="form-group form-check{has_error}">{_widget(field, invalid)}<div>'
            f'<label class="form-check-label" for="{auto_id}">{label}</label>'
            f"{hint}{error}</div></div>"
        )
    optional = (
        ""
        if field.field.required
        else f' <span class="optional">{conditional_escape(gettext("(optional)"))}</span>'
    )
    return mark_safe(  # noqa: S308 - every part above is escaped or built by format_html
        f'<div class="form-group{has_error}">'
        f'<label class="form-label" for="{auto_id}">{label}{optional}</label>'
        f"{hint}{error}{_widget(field, invalid)}</div>"
    )


@register.simple_tag
def hidden_fields(form: forms.Form) -> SafeString:
    """A form of hidden fields only (a formset's management form), as bare inputs."""
    return mark_safe("".join(str(field) for field in form.hidden_fields()))  # noqa: S308
