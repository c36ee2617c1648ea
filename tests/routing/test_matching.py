import pytest

from directory.models import Employee
from intake.models import InvolvedEmployee
from routing.matching import involved_match, name_candidates, name_normalize
from routing.services import submission_route
from tests.factories import EmployeeFactory, UnitFactory, complaint

pytestmark = pytest.mark.django_db


def named(**employee):
    submission = complaint(employees=[employee]).submission
    return submission.employees.get()


@pytest.fixture
def roster():
    north = UnitFactory(code="north", name="North County Precinct")
    south = UnitFactory(code="south", name="South County Precinct")
    return {
        "morales": EmployeeFactory(dsn="1003", first_name="Ana", last_name="Morales", unit=north),
        "hadzic": EmployeeFactory(dsn="2002", first_name="Lejla", last_name="Hadžić", unit=north),
        "fletcher": EmployeeFactory(
            dsn="1002", first_name="Dwayne", last_name="Fletcher", unit=north, car_number="2114"
        ),
        "murphy_n": EmployeeFactory(
            dsn="3004", first_name="Elizabeth", last_name="Murphy", unit=north
        ),
        "murphy_s": EmployeeFactory(
            dsn="3005", first_name="Elisabeth", last_name="Murphy", unit=south
        ),
        "brennan": EmployeeFactory(
            dsn="2003", first_name="Michael", last_name="Brennan", unit=south
        ),
        "north": north,
        "south": south,
    }


def test_names_are_folded_stripped_of_titles_and_nicknames_expanded():
    assert name_normalize("Sgt. Lejla HADŽIĆ") == ["lejla", "hadzic"]
    assert name_normalize("Officer Mike O'Brien") == ["michael", "obrien"]


def test_badge_number_is_an_exact_match_with_full_confidence(roster):
    involved = involved_match(named(badge="#1003", name="someone else"))
    assert involved.employee == roster["morales"]
    assert involved.match_state == InvolvedEmployee.MatchState.MATCHED
    assert involved.match_confidence == 1.0


def test_car_number_links_the_one_active_employee_in_that_car(roster):
    involved = involved_match(named(car_number="2114"))
    assert involved.employee == roster["fletcher"]
    assert involved.match_state == InvolvedEmployee.MatchState.MATCHED


def test_a_typo_in_the_name_still_matches_confidently(roster):
    involved = involved_match(named(name="Ana Moralez"))
    assert involved.employee == roster["morales"]
    assert involved.match_state == InvolvedEmployee.MatchState.MATCHED
    assert 0.9 <= involved.match_confidence < 1.0
    assert involved.match_candidates[0]["dsn"] == "1003"


def test_first_and_last_name_swapped_match(roster):
    involved = involved_match(named(name="Brennan Michael"))
    assert involved.employee == roster["brennan"]


def test_a_nickname_matches_the_name_hr_records(roster):
    involved = involved_match(named(name="Officer Mike Brennan"))
    assert involved.employee == roster["brennan"]


def test_accents_left_out_by_the_submitter_still_match(roster):
    involved = involved_match(named(name="Lejla Hadzic"))
    assert involved.employee == roster["hadzic"]


def test_two_people_who_fit_equally_leave_it_uncertain_with_both_candidates(roster):
    involved = involved_match(named(name="Officer Murphy"))
    assert involved.employee is None
    assert involved.match_state == InvolvedEmployee.MatchState.UNCERTAIN
    assert {c["dsn"] for c in involved.match_candidates} == {"3004", "3005"}
    assert all(0 < c["score"] <= 100 for c in involved.match_candidates)


def test_the_place_narrows_the_candidates_to_the_unit_that_serves_it(roster):
    candidates = name_candidates(name="Murphy", unit_id=roster["south"].pk)
    assert [c.dsn for c in candidates] == ["3005"]


def test_inactive_employees_are_not_matched_by_name(roster):
    Employee.objects.filter(pk=roster["brennan"].pk).update(active=False)
    involved = involved_match(named(name="Michael Brennan"))
    assert involved.match_state == InvolvedEmployee.MatchState.NOT_FOUND
    assert involved.match_candidates == []


def test_a_name_nobody_has_is_not_found(roster):
    involved = involved_match(named(name="Zebulon Quigglesworth"))
    assert involved.match_state == InvolvedEmployee.MatchState.NOT_FOUND


def test_a_decision_already_made_is_not_matched_again(roster):
    involved = named(name="Ana Morales")
    InvolvedEmployee.objects.filter(pk=involved.pk).update(
        match_state=InvolvedEmployee.MatchState.CONFIRMED, employee=roster["brennan"]
    )
    involved.refresh_from_db()
    assert involved_match(involved).employee == roster["brennan"]


def test_routing_records_the_match_of_each_named_employee(roster):
    submission = complaint(employees=[{"name": "Ana Morales"}, {"name": "Murphy"}]).submission
    submission_route(submission_id=submission.pk)
    first, second = submission.employees.order_by("id")
    assert first.match_state == "matched"
    assert second.match_state == "uncertain"
