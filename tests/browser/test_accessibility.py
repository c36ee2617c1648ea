"""axe-core (shipped by the axe-playwright-python package) on every public page, in each
language, with the WCAG 2.0/2.1/2.2 A and AA rules."""

import json
from pathlib import Path

import pytest

from intake.services import SubmissionData, submission_create

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("routing_defaults")]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_source() -> Path:
    axe = pytest.importorskip("axe_playwright_python")
    return Path(axe.__file__).parent / "axe.min.js"


def violations(page) -> list[dict]:
    page.add_script_tag(path=str(axe_source()))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


@pytest.mark.parametrize("locale", ["en-US", "es-ES", "bs-BA"])
def test_every_public_page_has_no_axe_violation(context_for, locale):
    receipt = submission_create(data=SubmissionData(kind="complaint", narrative="Test."))
    token = receipt.status_token
    page = context_for(locale=locale, bypass_csp=True)
    pages = {
        "home": "/",
        "complaint": "/complaint/",
        "compliment": "/compliment/",
        "received": f"/received/{token}/",
        "status": f"/status/{token}/",
        "not found": "/status/wrong-token/",
    }
    found = {}
    for name, url in pages.items():
        page.goto(url)
        found[name] = violations(page)
    # Pages showing errors: the complaint and the compliment sent empty.
    for name, url, button in [
        ("complaint with errors", "/complaint/", 0),
        ("compliment with errors", "/compliment/", 0),
    ]:
        page.goto(url)
        page.locator("button#submit").nth(button).press("Enter")
        page.wait_for_selector("#error-summary")
        found[name] = violations(page)
    page.goto(f"/status/{token}/")
    page.locator("button[type=submit]").last.press("Enter")
    page.wait_for_selector("#error-summary")
    found["status with errors"] = violations(page)
    assert {name: v for name, v in found.items() if v} == {}, json.dumps(found, indent=1)


def test_pages_stay_usable_at_200_percent_zoom(context_for):
    # 200% zoom of a 1280 px window lays out like a 640 px one at twice the size.
    page = context_for(viewport={"width": 640, "height": 450}, device_scale_factor=2)
    for url in ["/", "/complaint/", "/compliment/"]:
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 640, url


def test_targets_are_at_least_24_pixels(context_for):
    page = context_for()
    page.goto("/complaint/")
    small = page.evaluate(
        """() => [...document.querySelectorAll('button, input:not([type=hidden]), select, a')]
            .filter(e => e.offsetParent !== null)
            .map(e => [e.name || e.id || e.textContent.trim(), e.getBoundingClientRect()])
            .filter(([, r]) => r.width < 24 || r.height < 24)
            .map(([n]) => n)"""
    )
    assert small == []
