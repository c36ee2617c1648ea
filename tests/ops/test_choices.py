"""A choice's label read from its enumeration is what Django's get_FOO_display gives, in
every language, for every value a row may hold."""

from django.db.models import Model
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from cases.models import Case, Priority
from intake.models import Submission


@given(
    status=st.sampled_from(Case.Status.values) | st.text(max_size=20),
    priority=st.sampled_from(Priority.values) | st.text(max_size=8),
    language=st.sampled_from(["en", "es", "bs"]),
)
def test_the_label_is_djangos_in_every_language(status, priority, language):
    case = Case(status=status, priority=priority)
    with translation.override(language):
        for field in ("status", "priority"):
            djangos = Model._get_FIELD_display(case, Case._meta.get_field(field))
            assert getattr(case, f"get_{field}_display")() == djangos
            assert isinstance(djangos, str)


@given(
    kind=st.sampled_from(Submission.Kind.values) | st.text(max_size=12),
    language=st.sampled_from(["en", "es", "bs"]),
)
def test_the_submissions_kind_is_djangos_in_every_language(kind, language):
    submission = Submission(kind=kind)
    with translation.override(language):
        djangos = Model._get_FIELD_display(submission, Submission._meta.get_field("kind"))
        assert submission.get_kind_display() == djangos


def test_a_label_is_translated_when_shown():
    case = Case(status=Case.Status.CLOSED)
    with translation.override("es"):
        spanish = case.get_status_display()
    assert spanish != case.get_status_display() == "Closed"
