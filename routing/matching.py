"""Who is the employee the submitter named: the roster match.

Badge/DSN first (exact), then the car number, then the name, fuzzily: typos, first and last
name swapped, nicknames and accents are all forgiven. Only active employees are considered for
car and name (a badge number names one person for good). A confident match links the
employee; an uncertain one keeps the candidates, with their scores, for staff to confirm."""

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models.functions import Upper
from rapidfuzz import fuzz

from directory.models import Employee
from intake.models import InvolvedEmployee
from ops.rowsql import rows_update

# A name scoring this high, and this far ahead of the next candidate, is linked automatically.
CONFIDENT_SCORE = 90.0
CONFIDENT_MARGIN = 8.0
# Below this a person is not offered to staff as a candidate at all.
CANDIDATE_SCORE = 60.0
MAX_CANDIDATES = 5
# A single word ("Morales") is a candidate at best: a wrong link would send a notice of
# complaint to the wrong officer.
SINGLE_WORD_CAP = 85.0

# Common English and Spanish short forms, mapped to the name HR records. Small on purpose:
# staff confirm what the table does not know.
NICKNAMES = {
    "al": "albert",
    "alex": "alexander",
    "andy": "andrew",
    "barb": "barbara",
    "ben": "benjamin",
    "beth": "elizabeth",
    "betty": "elizabeth",
    "bill": "william",
    "billy": "william",
    "bob": "robert",
    "bobby": "robert",
    "chris": "christopher",
    "dan": "daniel",
    "danny": "daniel",
    "dave": "david",
    "ed": "edward",
    "eddie": "edward",
    "greg": "gregory",
    "jim": "james",
    "jimmy": "james",
    "joe": "joseph",
    "jon": "jonathan",
    "kate": "katherine",
    "katie": "katherine",
    "ken": "kenneth",
    "kenny": "kenneth",
    "liz": "elizabeth",
    "maggie": "margaret",
    "meg": "margaret",
    "mike": "michael",
    "nick": "nicholas",
    "pat": "patricia",
    "patty": "patricia",
    "pepe": "jose",
    "rob": "robert",
    "sam": "samuel",
    "steve": "steven",
    "tom": "thomas",
    "tommy": "thomas",
    "tony": "anthony",
    "will": "william",
}

# Words a submitter puts before a name that are not part of it.
TITLES = {
    "officer",
    "ofc",
    "off",
    "deputy",
    "detective",
    "det",
    "sergeant",
    "sgt",
    "lieutenant",
    "lt",
    "captain",
    "capt",
    "cpt",
    "corporal",
    "cpl",
    "chief",
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "agente",
    "oficial",
    "policajac",
}


@dataclass(frozen=True)
class Candidate:
    employee_id: int
    dsn: str
    name: str
    unit: str
    score: float

    def as_json(self) -> dict:
        return {
            "employee_id": self.employee_id,
            "dsn": self.dsn,
            "name": self.name,
            "unit": self.unit,
            "score": round(self.score, 1),
        }


def name_normalize(name: str) -> list[str]:
    """Lower case, accents folded (Hadžić → hadzic), titles dropped, nicknames expanded."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    folded = folded.replace("đ", "d").replace("ø", "o").replace("ß", "ss")
    words = [w for w in re.split(r"[^a-z0-9]+", folded.replace("'", "")) if w]
    words = [w for w in words if w not in TITLES]
    return [NICKNAMES.get(w, w) for w in words]


def name_score(query: list[str], first: list[str], last: list[str]) -> float:
    """0–100: how well the words a submitter wrote fit an employee's first and last names.
    The order of the words does not matter; one word alone is compared with the last name
    (people say "Officer Morales") and is never enough for a confident match on its own."""
    if not query:
        return 0.0
    if len(query) == 1:
        word = query[0]
        score = max(fuzz.ratio(word, " ".join(last)), fuzz.ratio(word, " ".join(first)) - 10)
        return score * SINGLE_WORD_CAP / 100
    return fuzz.token_sort_ratio(" ".join(query), " ".join(first + last))


def name_candidates(*, name: str, unit_id: int | None = None) -> list[Candidate]:
    """Active employees whose name fits, best first. When a unit is known (from the place),
    the people of that unit who fit are preferred over everyone else."""
    query = name_normalize(name)
    if not query:
        return []
    scored = []
    roster = Employee.objects.filter(active=True).select_related("unit")
    for employee in roster.only("pk", "dsn", "first_name", "last_name", "unit__name"):
        score = name_score(
            query, name_normalize(employee.first_name), name_normalize(employee.last_name)
        )
        if score >= CANDIDATE_SCORE:
            scored.append((employee, score))
    if unit_id is not None:
        in_unit = [(e, s) for e, s in scored if e.unit_id == unit_id]
        if in_unit:
            scored = in_unit
    scored.sort(key=lambda pair: (-pair[1], pair[0].last_name, pair[0].pk))
    return [
        Candidate(
            employee_id=e.pk, dsn=e.dsn, name=e.full_name, unit=e.unit.name, score=float(score)
        )
        for e, score in scored[:MAX_CANDIDATES]
    ]


# What a roster match decides about a named employee.
MATCH_FIELDS = ["employee", "match_state", "match_confidence", "match_candidates"]
MATCH_ATTNAMES = [
    field.attname for field in InvolvedEmployee._meta.concrete_fields if field.name in MATCH_FIELDS
]


def involved_match(involved: InvolvedEmployee, *, unit_id: int | None = None) -> InvolvedEmployee:
    """Link a named employee to the roster, or record who they might be. Decided once: a
    second run, or a person staff already confirmed, is left as it is."""
    if involved.match_state != InvolvedEmployee.MatchState.UNMATCHED:
        return involved
    involved_decide(involved, unit_id=unit_id, by_badge=employees_by_badge([badge_of(involved)]))
    involved.save(update_fields=MATCH_FIELDS)
    return involved


def involved_decide(
    involved: InvolvedEmployee, *, unit_id: int | None, by_badge: dict[str, Employee]
) -> bool:
    """involved_match without the write, for routing, which writes a batch's matches together:
    decide on the object and return True, or False when it was decided before. `by_badge` is
    employees_by_badge of (at least) this person's badge number."""
    if involved.match_state != InvolvedEmployee.MatchState.UNMATCHED:
        return False
    employee, confidence, candidates = _match(involved, unit_id=unit_id, by_badge=by_badge)
    if employee is not None:
        involved.employee = employee
        involved.match_state = InvolvedEmployee.MatchState.MATCHED
    elif candidates:
        involved.match_state = InvolvedEmployee.MatchState.UNCERTAIN
    else:
        involved.match_state = InvolvedEmployee.MatchState.NOT_FOUND
    involved.match_confidence = confidence
    involved.match_candidates = [c.as_json() for c in candidates]
    return True


def matches_store(people: Sequence[InvolvedEmployee]) -> None:
    """Write what involved_decide decided for these people: one UPDATE for each outcome (a
    batch naming the same officer by badge number is one). Django's bulk_update builds a
    CASE per field and row, and cost more than an UPDATE per row."""
    by_outcome: defaultdict[tuple, list[InvolvedEmployee]] = defaultdict(list)
    for person in people:
        candidates = json.dumps(person.match_candidates, sort_keys=True)
        outcome = (person.employee_id, person.match_state, person.match_confidence, candidates)
        by_outcome[outcome].append(person)
    for same in by_outcome.values():
        rows_update(
            InvolvedEmployee,
            [person.pk for person in same],
            {name: getattr(same[0], name) for name in MATCH_ATTNAMES},
        )


def badge_of(involved: InvolvedEmployee) -> str:
    """The badge number the submitter gave, as the roster is searched for it."""
    return _number_given(involved.badge).upper()


def _number_given(text: str) -> str:
    """A badge or car number as a resident types it, without the spaces and "#" around it."""
    return text.strip().lstrip("#").strip()


def employees_by_badge(badges: Iterable[str]) -> dict[str, Employee]:
    """The employee each of these badge numbers (badge_of) names, in one query: the DSN equal
    ignoring case, an active employee before one who left."""
    wanted = {badge for badge in badges if badge}
    if not wanted:
        return {}
    found: dict[str, Employee] = {}
    for employee in (
        Employee.objects.annotate(badge=Upper("dsn"))
        .filter(badge__in=wanted)
        .select_related("unit", "supervisor")  # what a commendation's notices name
        .order_by("-active", "pk")
    ):
        found.setdefault(employee.badge, employee)
    return found


def _match(
    involved: InvolvedEmployee, *, unit_id: int | None, by_badge: dict[str, Employee]
) -> tuple[Employee | None, float, list[Candidate]]:
    badge = badge_of(involved)
    if badge:
        employee = by_badge.get(badge)
        if employee is not None:
            return employee, 1.0, [_as_candidate(employee, 100.0)]
    car = _number_given(involved.car_number)
    if car:
        by_car = list(
            Employee.objects.filter(active=True, car_number__iexact=car).select_related("unit")
        )
        if len(by_car) == 1:
            return by_car[0], 0.95, [_as_candidate(by_car[0], 95.0)]
        if by_car:
            return None, 0.5, [_as_candidate(e, 50.0) for e in by_car[:MAX_CANDIDATES]]
    candidates = name_candidates(name=involved.name, unit_id=unit_id) if involved.name else []
    if not candidates:
        return None, 0.0, []
    best = candidates[0]
    runner_up = candidates[1].score if len(candidates) > 1 else 0.0
    if best.score >= CONFIDENT_SCORE and best.score - runner_up >= CONFIDENT_MARGIN:
        return Employee.objects.get(pk=best.employee_id), best.score / 100, candidates
    return None, best.score / 100, candidates


def _as_candidate(employee: Employee, score: float) -> Candidate:
    return Candidate(
        employee_id=employee.pk,
        dsn=employee.dsn,
        name=employee.full_name,
        unit=employee.unit.name,
        score=score,
    )
