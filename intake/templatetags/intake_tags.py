"""The public pages' fields: label, hint, error and widget, with the hint and error tied to the
widget (aria-describedby, aria-invalid). Written in Python rather than as an included template:
the complaint form has some thirty fields, and an include per field was most of its page time.
And the markup of an unbound public form, kept per process, since every new visitor gets the
same."""

import hashlib

from django import forms, template
from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
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


# Markup of unbound public forms, per web process. Only an unbound form is ever kept: a form
# bound to what someone typed is rendered for them alone, never stored.
_unbound_markup = LocMemCache(
    "candor-unbound-forms", {"TIMEOUT": 3600, "OPTIONS": {"MAX_ENTRIES": 200}}
)


class UnboundFormCacheNode(template.Node):
    def __init__(self, nodelist, forms_expression):
        self.nodelist = nodelist
        self.forms = forms_expression

    def render(self, context) -> str:
        submission_forms = self.forms.resolve(context)
        # Debug (`make run`) reloads templates as they are edited: render them every time.
        if submission_forms.bound or settings.DEBUG:
            return self.nodelist.render(context)
        where = f"{self.origin.name}:{self.token.position}"
        key = hashlib.sha256(repr((where, submission_forms.markup_key())).encode()).hexdigest()
        markup = _unbound_markup.get(key)
        if markup is None:
            markup = self.nodelist.render(context)
            _unbound_markup.set(key, markup)
        return markup


@register.tag
def unbound_form_cache(parser, token):
    """`{% unbound_form_cache forms %}…{% endunbound_form_cache %}` around the fields of a
    public form (SubmissionForms): rendered once per process and key (SubmissionForms.markup_key)
    while the form is unbound, rendered every time once it is bound. Nothing that differs
    between visitors (CSRF token, form key) may be inside."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("unbound_form_cache takes the forms, e.g. `forms`")
    nodelist = parser.parse(("endunbound_form_cache",))
    parser.delete_first_token()
    return UnboundFormCacheNode(nodelist, parser.compile_filter(bits[1]))
