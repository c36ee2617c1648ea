"""Form widgets (and field labels) rendered in Python instead of through one template each.

Django renders every widget (and every option of a select) by loading and rendering a small
template: on the public complaint form that was over half the time of the page. This renderer
writes the same HTML, character for character, for Django's built-in input, textarea, select
and checkbox/radio widgets, from the same context the templates get (`widget.get_context`),
so widget behaviour (values, `required`, `maxlength`, selected options) stays Django's; and a
field's label (`label_tag`), which the staff pages' filter forms write for every field. Any other
template, a project override included, goes through the template engine as before.
`tests/ops/test_form_renderer.py` holds it to the templates' output."""

import html

from django.forms.models import ModelChoiceIterator
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.timezone import template_localtime

_WIDGETS = "django/forms/widgets/"


def _attrs(attrs: dict) -> str:
    # attrs.html: False leaves the attribute out, True writes it bare.
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {_text(name)}")
        else:
            out.append(f' {_text(name)}="{_string(value)}"')
    return "".join(out)


def _text(value) -> str:
    # `{{ value }}`: localized like any template variable, then autoescaped. Plain strings, by
    # far the most common, go straight to the escape Django's own uses.
    if type(value) is str:
        return html.escape(value)
    if not hasattr(value, "__html__"):
        value = localize(template_localtime(value))
    return conditional_escape(value)


def _string(value) -> str:
    # `|stringformat:'s'`, then autoescaped unless already safe.
    if type(value) is str:
        return html.escape(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


# Each writer returns what its template file renders to, trailing newlines included (every
# template file ends with one, and an include keeps it); the renderer strips the outermost.


def _input(widget: dict) -> str:
    value = widget["value"]
    value = "" if value is None else f' value="{_string(value)}"'
    return (
        f'<input type="{_text(widget["type"])}" '
        f'name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>\n'
    )


def _input_alias(widget: dict) -> str:
    # text.html, email.html, …: `{% include "django/forms/widgets/input.html" %}`
    return _input(widget) + "\n"


def _input_option(widget: dict) -> str:
    if not widget.get("wrap_label"):
        return _input(widget) + "\n"
    widget_id = widget["attrs"].get("id")
    label_for = f' for="{_text(widget_id)}"' if widget_id else ""
    return f"<label{label_for}>{_input(widget)} {_text(widget['label'])}</label>\n"


def _option_alias(widget: dict) -> str:
    # checkbox_option.html, radio_option.html: an include of input_option.html
    return _input_option(widget) + "\n"


def _multiple_input(widget: dict) -> str:
    widget_id = widget["attrs"].get("id")
    css = widget["attrs"].get("class")
    out = ["<div"]
    if widget_id:
        out.append(f' id="{_text(widget_id)}"')
    if css:
        out.append(f' class="{_text(css)}"')
    out.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            out.append(f"\n  <div><label>{_text(group)}</label>")
        for option in options:
            out.append(f"<div>\n    {_include(option)}</div>")
        if group:
            out.append("\n  </div>")
    out.append("\n</div>\n")
    return "".join(out)


def _multiple_alias(widget: dict) -> str:
    # checkbox_select.html, radio.html: an include of multiple_input.html
    return _multiple_input(widget) + "\n"


def _select(widget: dict) -> str:
    out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group, options, _index in widget["optgroups"]:
        if group:
            out.append(f'\n  <optgroup label="{_text(group)}">')
        for option in options:
            out.append(f"\n  {_include(option)}")
        if group:
            out.append("\n  </optgroup>")
    out.append("\n</select>\n")
    return "".join(out)


def _select_option(widget: dict) -> str:
    return (
        f'<option value="{_string(widget["value"])}"{_attrs(widget["attrs"])}>'
        f"{_text(widget['label'])}</option>\n"
    )


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_text(value) if value else ''}</textarea>\n"
    )


def _label(context: dict) -> str:
    # label.html, from the context BoundField.label_tag gives it.
    label = _text(context["label"])
    if not context["use_tag"]:
        return label
    tag = _text(context["tag"])
    # attrs is None when the widget has no one element to point at (a list of boxes) and
    # nothing else asked for an attribute.
    return f"<{tag}{_attrs(context['attrs'] or {})}>{label}</{tag}>\n"


_LABEL = "django/forms/label.html"


def _include(option: dict) -> str:
    """An option as its own template (`option.template_name`) writes it."""
    writer = _WRITERS.get(option["template_name"])
    if writer is None:
        raise _Unknown
    return writer(option)


class _Unknown(Exception):
    """A template this module does not write: leave it to the template engine."""


# Template name (under django/forms/widgets/) to the function that writes it.
_WRITERS = {
    _WIDGETS + name + ".html": writer
    for writer, names in (
        (_input, ["input"]),
        # Templates that only include input.html.
        (
            _input_alias,
            [
                "text",
                "email",
                "tel",
                "date",
                "time",
                "datetime",
                "number",
                "url",
                "password",
                "search",
                "color",
                "hidden",
                "checkbox",
                "file",
            ],
        ),
        (_input_option, ["input_option"]),
        (_option_alias, ["checkbox_option", "radio_option"]),
        (_multiple_input, ["multiple_input"]),
        (_multiple_alias, ["checkbox_select", "radio"]),
        (_select, ["select"]),
        (_select_option, ["select_option"]),
        (_textarea, ["textarea"]),
    )
    for name in names
}


class FastWidgetRenderer(DjangoTemplates):
    """Django's default form renderer, with the built-in widgets and the label written in
    Python."""

    def render(self, template_name, context, request=None):
        writer = _WRITERS.get(template_name)
        if writer is not None and "widget" in context:
            try:
                return writer(context["widget"]).strip()
            except _Unknown:
                pass
        if template_name == _LABEL:
            return _label(context).strip()
        return super().render(template_name, context, request=request)


class ListedChoices(ModelChoiceIterator):
    """A model choice field's choices in one plain query. Django's iterator() opens a
    server-side cursor on PostgreSQL (three round trips) to spare memory on long lists; the
    lists of areas, queues, units and staff it is used for are short. Set it as the `iterator`
    of the field's class: set on a field already made it comes too late, its widget has taken
    Django's iterator with the queryset."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for instance in self.queryset.all():
            yield self.choice(instance)
