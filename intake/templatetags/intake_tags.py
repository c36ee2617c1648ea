"""Form widgets with their hints and errors tied to them (aria-describedby), for the public
pages' own field template."""

from django import forms, template

register = template.Library()


@register.simple_tag
def field_widget(field, show_errors=False):
    widget = field.field.widget
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    invalid = bool(show_errors and field.errors)
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
