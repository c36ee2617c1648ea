import pytest
from django.contrib.admin.sites import site
from django.db.models.deletion import ProtectedError
from django.test import RequestFactory

from cases.models import Priority
from directory.models import ServiceArea
from routing.models import RoutingRule
from routing.rules import rule_for
from routing.services import submission_route
from staff.models import Queue
from tests.factories import EmployeeFactory, UnitFactory, UserFactory, complaint

pytestmark = pytest.mark.django_db


def routed(**overrides):
    submission = complaint(**overrides).submission
    submission_route(submission_id=submission.pk)
    submission.refresh_from_db()
    return submission


@pytest.fixture
def special_queue():
    return Queue.objects.create(name="Special", slug="special")


def test_discrimination_complaint_goes_to_the_bias_queue():
    assert routed(categories=["bias"]).case.queue.slug == "bias"


def test_corruption_named_in_the_account_goes_to_public_integrity_confidentially():
    case = routed(narrative="He asked me for a bribe to drop the ticket.").case
    assert case.queue.slug == "public-integrity"
    assert case.confidential
    assert case.priority == Priority.URGENT


def test_a_keyword_matches_whole_words_only():
    assert routed(narrative="The scribe at the desk was rude.").case.queue.slug == "bps-general"


def test_a_rule_on_the_place_matches_submissions_from_that_area(special_queue):
    area = ServiceArea.objects.create(name="City of Jennings", kind="municipality")
    rule = RoutingRule.objects.create(name="Jennings", order=1, queue=special_queue)
    rule.service_areas.add(area)
    assert routed(service_area_id=area.pk).case.queue == special_queue
    assert routed().case.queue.slug == "bps-general"


def test_a_rule_on_the_unit_matches_when_the_named_employee_serves_there(special_queue):
    unit = UnitFactory(code="airport")
    EmployeeFactory(dsn="9001", unit=unit)
    EmployeeFactory(dsn="9002")
    rule = RoutingRule.objects.create(name="Airport", order=1, queue=special_queue)
    rule.units.add(unit)
    assert routed(employees=[{"badge": "9001"}]).case.queue == special_queue
    assert routed(employees=[{"badge": "9002"}]).case.queue.slug == "bps-general"


def test_a_rule_for_compliments_never_takes_a_complaint(special_queue):
    RoutingRule.objects.create(
        name="Kind words", order=1, applies_to="compliment", keywords="kind", queue=special_queue
    )
    assert routed(narrative="He was not kind at all.").case.queue.slug == "bps-general"


def test_every_condition_of_a_rule_must_hold(special_queue):
    RoutingRule.objects.create(
        name="Force at night",
        order=1,
        categories=["use_of_force"],
        keywords="night",
        queue=special_queue,
        priority=Priority.URGENT,
        due_days=7,
        confidential=True,
    )
    case = routed(categories=["use_of_force"], narrative="It happened at night.").case
    assert (case.queue, case.priority, case.confidential) == (special_queue, "urgent", True)
    assert (case.due_date - case.submission.received_at.date()).days in (6, 7)
    assert routed(categories=["use_of_force"], narrative="At noon.").case.queue.slug == (
        "use-of-force"
    )


def test_first_matching_rule_in_order_wins(special_queue):
    RoutingRule.objects.create(
        name="Early", order=5, categories=["use_of_force"], queue=special_queue
    )
    case = routed(categories=["use_of_force"]).case
    assert case.queue == special_queue
    assert case.rule_name == "Early"


def test_an_inactive_rule_is_skipped(special_queue):
    RoutingRule.objects.create(name="Off", order=1, active=False, queue=special_queue)
    assert routed().case.queue.slug == "bps-general"


def test_a_rule_change_applies_to_new_submissions_only(special_queue):
    before = routed(categories=["use_of_force"]).case
    RoutingRule.objects.filter(name="Use of force").update(queue=special_queue)
    after = routed(categories=["use_of_force"]).case
    before.refresh_from_db()
    assert before.queue.slug == "use-of-force"
    assert after.queue == special_queue
    assert before.rule_name == after.rule_name == "Use of force"


def test_the_rule_that_routed_a_case_stays_named_after_the_rule_is_deleted():
    case = routed(categories=["bias"]).case
    RoutingRule.objects.get(name="Discrimination or bias").delete()
    case.refresh_from_db()
    assert case.rule is None
    assert case.rule_name == "Discrimination or bias"


def test_the_catch_all_cannot_be_deleted_one_by_one_or_in_bulk():
    catch_all = RoutingRule.objects.get(is_catch_all=True)
    with pytest.raises(ProtectedError):
        catch_all.delete()
    with pytest.raises(ProtectedError):
        RoutingRule.objects.all().delete()
    assert RoutingRule.objects.filter(is_catch_all=True).exists()


def test_other_rules_can_still_be_deleted_in_bulk():
    RoutingRule.objects.filter(is_catch_all=False).delete()
    assert list(RoutingRule.objects.values_list("is_catch_all", flat=True)) == [True]


def test_the_admin_offers_no_delete_for_the_catch_all():
    admin = site._registry[RoutingRule]
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    assert not admin.has_delete_permission(request, RoutingRule.objects.get(is_catch_all=True))
    assert admin.has_delete_permission(request, RoutingRule.objects.get(name="Use of force"))


def test_the_catch_all_takes_what_no_rule_matches_even_when_it_was_switched_off():
    RoutingRule.objects.filter(is_catch_all=True).update(active=False)
    submission = complaint().submission
    assert rule_for(submission).is_catch_all
