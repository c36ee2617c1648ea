"""The case list's rows, written in Python (cases/templatetags/case_tags.py), are what the
template that wrote them gave: for any case (open or closed, overdue or not, confidential or
not, assigned to someone with or without a name, with markup in every text), in every
language."""

from datetime import UTC, date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.template import engines
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.models import Case, Priority
from cases.templatetags.case_tags import case_rows
from intake.models import Submission
from routing.models import Queue

# The rows as the list's template wrote them before they were written in Python.
TEMPLATE_ROWS = """{% load i18n %}\
{% translate "Tracking number" as l_number %}{% translate "Queue" as l_queue %}\
{% translate "Received" as l_received %}{% translate "Status" as l_status %}\
{% translate "Priority" as l_priority %}{% translate "Assignee" as l_assignee %}\
{% translate "Due" as l_due %}{% for case in page %}
    <tr><td data-label="{{ l_number }}" class="nowrap"><a href="{% url 'cases:case' case.pk %}" \
class="tracking-number">{{ case.submission.tracking_number }}</a>{% if case.confidential %} \
<span class="tag tag-alert">{% translate "confidential" %}</span>{% endif %}</td>
    <td data-label="{{ l_queue }}">{{ case.queue.name }}</td>
    <td data-label="{{ l_received }}">\
{{ case.submission.received_at|date:"SHORT_DATETIME_FORMAT" }}</td>
    <td data-label="{{ l_status }}"><span class="status status-{{ case.status }}">\
{{ case.get_status_display }}</span></td><td data-label="{{ l_priority }}">\
{{ case.get_priority_display }}</td>
    <td data-label="{{ l_assignee }}">{% if case.assignee %}\
{{ case.assignee.get_full_name|default:case.assignee.username }}{% else %}—{% endif %}</td>
    <td data-label="{{ l_due }}" class="nowrap">{{ case.due_date }}\
{% if case.is_open and case.due_date < today %} <span class="tag tag-alert">\
{% translate "overdue" %}</span>{% endif %}</td></tr>
  {% endfor %}"""

TODAY = date(2026, 12, 7)
text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=12)
markup = st.sampled_from(["", "<b>", "&amp;", '"', "'", "Ana & <Bo>"])


@st.composite
def cases(draw) -> Case:
    assignee = None
    if draw(st.booleans()):
        assignee = get_user_model()(
            username=draw(markup | text) or "someone",
            first_name=draw(markup | text),
            last_name=draw(markup | text),
        )
    received = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(
        minutes=draw(st.integers(0, 3 * 365 * 24 * 60))
    )
    return Case(
        pk=draw(st.integers(1, 10**9)),
        submission=Submission(
            tracking_number=draw(markup | st.just("C-2026-000417")), received_at=received
        ),
        queue=Queue(name=draw(markup | text)),
        status=draw(st.sampled_from(Case.Status.values)),
        priority=draw(st.sampled_from(Priority.values)),
        confidential=draw(st.booleans()),
        assignee=assignee,
        due_date=TODAY + timedelta(days=draw(st.integers(-2, 2) | st.integers(-400, 400))),
    )


# The first example compiles the template and loads a language's catalogue: no deadline.
@settings(max_examples=150, deadline=None)
@given(page=st.lists(cases(), max_size=6), language=st.sampled_from(["en", "es", "bs"]))
def test_the_rows_are_the_templates_in_every_language(page, language):
    with translation.override(language):
        template = engines["django"].from_string(TEMPLATE_ROWS)
        expected = template.render({"page": page, "today": TODAY})
        assert case_rows(page, TODAY) == expected
