"""Which queue a submission goes to: the routing rules, first match wins."""

import re
from collections.abc import Set as AbstractSet

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
    area_ids = {area.pk for area in rule.service_areas.all()}
    if area_ids and submission.service_area_id not in area_ids:
        return False
    rule_unit_ids = {unit.pk for unit in rule.units.all()}
    if rule_unit_ids and not rule_unit_ids & unit_ids:
        return False
    words = [w.strip() for w in rule.keywords.split(",") if w.strip()]
    return not words or any(_word_in(word, submission.narrative) for word in words)


def _word_in(word: str, text: str) -> bool:
    """The word starts a word of the text ("bribe" finds "bribes", not "scribe")."""
    return re.search(r"\b" + re.escape(word), text, flags=re.IGNORECASE) is not None


def rule_for(submission: Submission, *, unit_ids: AbstractSet[int] = frozenset()) -> RoutingRule:
    """The first active rule, in order, that matches; the catch-all when none does."""
    rules = (
        RoutingRule.objects.filter(active=True)
        .select_related("queue")
        .prefetch_related("service_areas", "units")
        .order_by("is_catch_all", "order", "id")
    )
    for rule in rules:
        if rule_matches(rule, submission, unit_ids=unit_ids):
            return rule
    return RoutingRule.objects.select_related("queue").get(is_catch_all=True)
