"""Helpers for browser tests of the staff pages: signing in through the real pages, and the
check that a page never scrolls sideways."""

import re

from tests.staff import current_code

PASSWORD = "correct horse battery staple"


def sign_in(page, user) -> None:
    """Password, then the authenticator code, through the sign-in pages; ends on the home."""
    page.goto("/staff/")
    page.wait_for_url(re.compile(r"/staff/login/"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff/verify/"))
    page.get_by_label("Six-digit code from your authenticator app").fill(current_code(user))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(re.compile(r"/staff/$"))


def sideways_overflow(page) -> int:
    """How many pixels the page is wider than the window (0 when nothing sticks out)."""
    return page.evaluate(
        "Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth)"
    )


def sticking_out(page) -> list[str]:
    """The elements that reach past the window's right edge, to say what to fix."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            return [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > width + 1)
                .slice(0, 8)
                .map(e => `${e.tagName.toLowerCase()}#${e.id}.${e.className}: ` +
                          `${Math.round(e.getBoundingClientRect().right)} px`);
        }"""
    )
