"""Every staff URL, discovered from the URLconf, with every role: who gets the page, who is
sent to sign in, and who gets 404 whatever the id."""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import URLResolver, get_resolver, reverse

from cases.models import Case
from intake.models import Attachment
from staff import roles
from staff.models import Queue

from .conftest import routed_complaint, sign_in, staff_member

pytestmark = pytest.mark.django_db

OPEN_PAGES = {"staff:login", "staff:logout", "staff:verify", "staff:enrol"}


def staff_routes():
    """(route, name) of every URL under /staff/, whichever app it belongs to."""

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(
                    pattern.url_patterns,
                    prefix + str(pattern.pattern),
                    pattern.namespace or namespace,
                )
            elif pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield prefix + str(pattern.pattern), name

    return [
        (route, name)
        for route, name in walk(get_resolver().url_patterns, "", None)
        if route.startswith("staff/")
    ]


def url_for(route: str, name: str, **values) -> str:
    kwargs = {}
    for key in re.findall(r"<(?:\w+:)?(\w+)>", route):
        kwargs[key] = values.get(key, "x" if key in ("slug", "token") else 1)
    return reverse(name, kwargs=kwargs)


CASE_ROUTES = [(r, n) for r, n in staff_routes() if n.startswith("cases:") and "<int:pk>" in r]


@pytest.fixture
def world(db):
    force = Case.objects.get(submission=routed_complaint(categories=["use_of_force"]))
    secret = Case.objects.get(submission=routed_complaint(categories=["criminal_misconduct"]))
    attachments = {}
    for case in (force, secret):
        attachment = Attachment(
            submission=case.submission,
            original_name='photo "1".png',
            content_type="image/png",
            size=3,
            sha256="0" * 64,
        )
        attachment.file.save("evidence.png", ContentFile(b"png"), save=False)
        attachment.original_file.save("evidence.png", ContentFile(b"png+gps"), save=True)
        attachments[case.pk] = attachment
    bps = list(Queue.objects.filter(kind=Queue.Kind.BPS).values_list("slug", flat=True))
    people = {
        "investigator": staff_member(roles.INVESTIGATOR, "use-of-force", "bps-general"),
        "integrity": staff_member(roles.INVESTIGATOR, "public-integrity"),
        "intake": staff_member(roles.INTAKE_COORDINATOR, *bps),
        "commander": staff_member(roles.BPS_COMMANDER, *bps),
        "auditor": staff_member(roles.AUDITOR),
        "administrator": staff_member(roles.ADMINISTRATOR, is_staff=True, is_superuser=True),
        "chief": staff_member(roles.CHIEFS_OFFICE, "chiefs-office"),
    }
    # Who sees which case.
    sees = {
        "investigator": {force.pk},
        "integrity": {secret.pk},
        "intake": {force.pk, secret.pk},
        "commander": {force.pk, secret.pk},
        "auditor": {force.pk, secret.pk},
        "administrator": set(),
        "chief": set(),
    }
    yield {"cases": [force, secret], "attachments": attachments, "people": people, "sees": sees}
    for attachment in attachments.values():
        attachment.file.delete(save=False)
        attachment.original_file.delete(save=False)


def test_every_staff_url_sends_a_stranger_to_sign_in(client, world):
    case = world["cases"][0]
    for route, name in staff_routes():
        if name in OPEN_PAGES:
            continue
        url = url_for(route, name, pk=case.pk, slug="use-of-force")
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, (name, method)
            assert response["Location"].startswith(reverse("staff:login")), name


def test_a_password_alone_reaches_no_staff_page(client, world):
    client.force_login(world["people"]["commander"])
    case = world["cases"][0]
    urls = [
        url_for(r, n, pk=case.pk, slug="use-of-force")
        for r, n in staff_routes()
        if n not in OPEN_PAGES
    ]
    for url in [*urls, "/admin/", "/admin/routing/queue/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("staff:verify")), url


def test_the_sign_in_pages_stay_reachable(client, world):
    assert client.get(reverse("staff:login")).status_code == 200
    client.force_login(world["people"]["investigator"])
    assert client.get(reverse("staff:verify")).status_code == 200


DOWNLOADS = {"cases:case", "cases:print", "cases:attachment", "cases:attachment_as_received"}
POST_ONLY = {n for _r, n in CASE_ROUTES} - DOWNLOADS - {"cases:audit-export"}


def expected_case_answer(role: str, name: str, method: str, visible: bool) -> set[int]:
    if (name in POST_ONLY) == (method == "get"):
        return {405}  # the same for every id, so it reveals nothing
    if not visible:
        return {404}
    if name == "cases:audit-export":
        return {200} if role in ("commander", "auditor") else {404}
    if name in DOWNLOADS:
        return {200}
    # Everything else changes the case: POST only, never for the auditor, extending only for
    # the commander.
    if role == "auditor" or (name == "cases:extend" and role != "commander"):
        return {404}
    return {302, 400, 409}


@pytest.mark.parametrize(
    "role",
    ["investigator", "integrity", "intake", "commander", "auditor", "administrator", "chief"],
)
def test_every_case_url_answers_each_role_as_its_permissions_say(client, world, role):
    sign_in(client, world["people"][role])
    assert CASE_ROUTES, "no case URLs discovered"
    for case in world["cases"]:
        visible = case.pk in world["sees"][role]
        attachment = world["attachments"][case.pk]
        for route, name in CASE_ROUTES:
            url = url_for(route, name, pk=case.pk, attachment_pk=attachment.pk)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                expected = expected_case_answer(role, name, method, visible)
                assert response.status_code in expected, (role, name, method, case.pk)


@pytest.mark.parametrize("role", ["investigator", "commander", "auditor"])
def test_an_attachment_of_another_case_answers_404_through_a_visible_case(client, world, role):
    sign_in(client, world["people"][role])
    force, secret = world["cases"]
    url = reverse("cases:attachment", args=[force.pk, world["attachments"][secret.pk].pk])
    assert client.get(url).status_code == 404


def test_an_attachment_downloads_with_a_safe_name_and_leaves_an_audit_event(client, world):
    sign_in(client, world["people"]["investigator"])
    force = world["cases"][0]
    attachment = world["attachments"][force.pk]
    response = client.get(reverse("cases:attachment", args=[force.pk, attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert '"1"' not in response["Content-Disposition"]
    assert response["Content-Type"] == "application/octet-stream"
    preview = client.get(
        reverse("cases:attachment", args=[force.pk, attachment.pk]), {"inline": "1"}
    )
    assert preview["Content-Type"] == "image/png"
    assert "sandbox" in preview["Content-Security-Policy"]
    actions = set(force.audit.values_list("action", flat=True))
    assert {"case.download_attachment", "case.view_attachment"} <= actions


def test_the_file_as_received_is_a_download_only_and_audited(client, world):
    sign_in(client, world["people"]["investigator"])
    force, secret = world["cases"]
    attachment = world["attachments"][force.pk]
    url = reverse("cases:attachment_as_received", args=[force.pk, attachment.pk])
    response = client.get(url, {"inline": "1"})
    assert b"".join(response.streaming_content) == b"png+gps"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/octet-stream"
    assert force.audit.filter(action="case.download_original").count() == 1
    # The preview is the cleaned copy.
    preview = client.get(
        reverse("cases:attachment", args=[force.pk, attachment.pk]), {"inline": "1"}
    )
    assert b"".join(preview.streaming_content) == b"png"
    # Staff who may not see the other case cannot reach its original through this one.
    other = world["attachments"][secret.pk]
    assert (
        client.get(reverse("cases:attachment_as_received", args=[force.pk, other.pk])).status_code
        == 404
    )


CASE_ROLES = {"investigator", "integrity", "intake", "commander", "auditor"}
NON_CASE = {
    # name: roles answered 200 (GET); the rest 404
    "cases:queues": CASE_ROLES,
    "cases:list": CASE_ROLES,
    "cases:list-export": CASE_ROLES,
    "cases:staff-complaint": {"intake", "commander"},
}
# Staff pages of the other rooms that are not about one object.
OTHER_PAGES = {
    "workspace:home": {
        "investigator",
        "integrity",
        "intake",
        "commander",
        "auditor",
        "administrator",
        "chief",
    },
    "audit:search": {"auditor"},
    "audit:export": {"auditor"},
}


@pytest.mark.parametrize(
    "role",
    ["investigator", "integrity", "intake", "commander", "auditor", "administrator", "chief"],
)
def test_every_page_that_is_not_a_case_answers_each_role(client, world, role):
    sign_in(client, world["people"][role])
    for name, allowed in {**NON_CASE, **OTHER_PAGES}.items():
        assert client.get(reverse(name)).status_code == (200 if role in allowed else 404), name
    queue = client.get(reverse("cases:queue", args=["use-of-force"]))
    sees_queue = role in ("investigator", "intake", "commander", "auditor")
    assert queue.status_code == (302 if sees_queue else 404)
    assert client.post(reverse("staff:keep-alive")).status_code == 200


def test_every_case_url_of_the_cases_app_is_covered_by_this_test():
    names = {n for r, n in staff_routes() if n.startswith("cases:")}
    covered = {n for _r, n in CASE_ROUTES} | set(NON_CASE) | {"cases:queue"}
    assert names == covered
