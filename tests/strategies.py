"""Hypothesis strategies for rows as the database stores them: any text PostgreSQL takes, an
account's fields of every type, and an employee named in it."""

from hypothesis import strategies as st

TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40)

ACCOUNT_FIELDS = {
    "narrative": TEXT,
    "submitter_name": TEXT,
    "occurred_on": st.none() | st.dates(),
    "occurred_time": st.none() | st.times(),
    "share_publicly": st.booleans(),
    "categories": st.lists(TEXT, max_size=3),
}

EMPLOYEE_ROWS = st.lists(
    st.fixed_dictionaries(
        {
            "name": TEXT,
            "badge": st.text(max_size=20).filter(lambda s: "\x00" not in s),
            "match_confidence": st.none() | st.floats(allow_nan=False, allow_infinity=False),
            "match_candidates": st.lists(st.dictionaries(TEXT, st.integers(), max_size=2)),
        }
    ),
    max_size=3,
)
