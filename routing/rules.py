"""Which queue a submission goes to: the routing rules, first match wins."""

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from django.db.models import prefetch_related_objects

from intake.models import Submission

from .models import RoutingRule


def rule_matches(rule: RoutingRule, submission: Submission, *, unit_ids: AbstractSet[int]) -> bool:
    """Every condition the rule sets must hold; a condition left empty holds for all."""
    if rule.is_catch_all:
        return True
    if rule.applies_to != RoutingRule.AppliesTo.ANY and rule.applies_to != submission.kind:
        return False
    if rule.categories and not set(rule.categories) & set(submission.categories or []):
        return False
    words = [w.strip() for w in rule.keywords.split(",") if w.strip()]
    if words and not any(_word_in(word, submission.narrative) for word in words):
        return False
    # The conditions kept in other tables last: most rules are already out by now, and those
    # tables are read only for a rule still in the running, once, then kept on the rule for
    # the next submission routed with it (rules_in_order).
    prefetch_related_objects([rule], "service_areas")
    area_ids = {area.pk for area in rule.service_areas.all()}
    if area_ids and submission.service_area_id not in area_ids:
        return False
    prefetch_related_objects([rule], "units")
    rule_unit_ids = {unit.pk for unit in rule.units.all()}
    return not rule_unit_ids or bool(rule_unit_ids & unit_ids)


def _word_in(word: str, text: str) -> bool:
    """The word starts a word of the text ("bribe" finds "bribes", not "scribe")."""
    return re.search(r"\b" + re.escape(word), text, flags=re.IGNORECASE) is not None


def rules_in_order() -> list[RoutingRule]:
    """The active rules in the order they are tried, with their queues: read once for as
    many submissions as are routed together (their areas and units are read as needed, once)."""
    return list(
        RoutingRule.objects.filter(active=True)
        .select_related("queue")
        .order_by("is_catch_all", "order", "id")
    )


def rule_for(
    submission: Submission,
    *,
    unit_ids: AbstractSet[int] = frozenset(),
    rules: Sequence[RoutingRule] | None = None,
) -> RoutingRule:
    """The first active rule, in order, that matches; the catch-all when none does. Pass
    `rules` (rules_in_order) when routing several submissions, to read them once."""
    for rule in rules_in_order() if rules is None else rules:
        if rule_matches(rule, submission, unit_ids=unit_ids):
            return rule
    return RoutingRule.objects.select_related("queue").get(is_catch_all=True)
