"""Small things found on the way: email subjects and text bodies are plain text, links in
emails follow the address the portal serves on, a Permissions-Policy header, and a session
cookie that lives no longer than a staff session may."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from intake.services import EmployeeData, SubmissionData, submission_create
from notices.models import Notice, PaperLetter
from notices.services import letter_render, notice_send
from routing.services import submission_route
from staff import roles
from tests.factories import member_of
from tests.staff import sign_in, staff_member

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.django_db
def test_subjects_and_text_bodies_are_plain_text_never_html_escaped():
    member_of("chiefs-office", username="chief", email="chief@example.org")
    submission = submission_create(
        data=SubmissionData(
            kind="compliment",
            narrative='She & her partner said "don\'t worry" <and> stayed.',
            submitter_name="Dana O'Brien",
            submitter_email="dana@example.org",
            employees=[EmployeeData(name="Pat O'Neil")],
        )
    ).submission
    submission_route(submission_id=submission.pk)
    for notice in Notice.objects.filter(submission=submission):
        notice_send(notice_id=notice.pk)
    alert = next(m for m in mail.outbox if m.to == ["chief@example.org"])
    assert "Chief's" in alert.subject
    for message in mail.outbox:
        for text in (message.subject, message.body):
            assert "&#x27;" not in text and "&amp;" not in text and "&quot;" not in text
    # The HTML body is still escaped, as HTML must be.
    html = alert.alternatives[0][0] if alert.alternatives else ""
    assert "<and>" not in html


@pytest.mark.django_db
def test_a_letter_says_the_same_plain_words():
    submission = submission_create(
        data=SubmissionData(
            kind="complaint",
            narrative="x",
            submitter_name="Dana O'Brien",
            submitter_address="12 Elm St",
            submitter_email="dana@example.org",
        )
    ).submission
    submission_route(submission_id=submission.pk)
    notice = Notice.objects.get(submission=submission, kind=Notice.Kind.ACKNOWLEDGEMENT)
    letter = PaperLetter.objects.create(notice=notice, submission=submission, address="12 Elm St")
    body = letter_render(letter)["body"]
    assert "Dear Dana O'Brien" in body and "&#x27;" not in body


def test_links_in_emails_follow_the_address_make_run_serves_on():
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "CANDOR_ADDR": "127.0.0.1:8123",
        "CANDOR_VAR_DIR": str(ROOT / "var" / "settings-check"),
    }
    script = "import django; django.setup(); from django.conf import settings; "
    script += "print(settings.PORTAL_BASE_URL)"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8123", result.stderr


@pytest.mark.django_db
def test_every_page_forbids_camera_microphone_location_and_the_like(client):
    for url in ("/", "/complaint/", reverse("staff:login"), "/healthz"):
        policy = client.get(url)["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
            assert feature in policy, url


@pytest.mark.django_db
def test_every_page_has_the_content_security_policy_the_settings_give(client, settings):
    from csp.utils import build_policy

    policy = build_policy()
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    for url in ("/", "/complaint/", "/compliment/", reverse("staff:login"), "/healthz"):
        response = client.get(url)
        assert response["Content-Security-Policy"] == policy, url
        assert "Content-Security-Policy-Report-Only" not in response
    assert client.post("/complaint/", {})["Content-Security-Policy"] == policy
    assert client.get("/no-such-page/")["Content-Security-Policy"] == policy


@pytest.mark.django_db
def test_the_session_cookie_expires_with_the_staff_absolute_limit(client, settings):
    user = staff_member(roles.INVESTIGATOR, "bps-general")
    sign_in(client, user)
    client.post(reverse("staff:keep-alive"))  # a request that writes the session
    assert int(client.cookies["sessionid"]["max-age"]) == settings.CANDOR_STAFF_ABSOLUTE_SECONDS
