"""Every page's address reaches its page: no pattern hides another's (the public pages' come
first, so that their requests are resolved without trying the staff pages' patterns)."""

import re

from django.urls import get_resolver, resolve
from django.urls.resolvers import URLResolver

_PARAMETERS = [  # a regular expression's groups first: their names look like path converters
    (re.compile(r"\(\?P<\w+>(\w+)(?:\|\w+)*\)"), r"\1"),  # one of some words: the first
    (re.compile(r"\(\?P<\w+>[^)]*\)"), "abc"),
    (re.compile(r"<int:\w+>"), "7"),
    (re.compile(r"<(?:str|slug|path):\w+>|<\w+>"), "abc"),
]


def _patterns(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, route)
        else:
            yield route, pattern.callback


def _example(route: str) -> str:
    path = route.replace("^", "").replace("$", "").replace("\\Z", "")
    for parameter, value in _PARAMETERS:
        path = parameter.sub(value, path)
    return "/" + path


def test_every_pattern_is_reached_by_its_own_address():
    patterns = list(_patterns(get_resolver()))
    assert len(patterns) > 100
    hidden = [
        (route, resolve(_example(route)).func)
        for route, callback in patterns
        if resolve(_example(route)).func != callback
    ]
    assert hidden == []
