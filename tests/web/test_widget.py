"""The widget page in Debian's Chromium, driven by Playwright, against the whole running stack."""

from __future__ import annotations

import re

import pytest

from stackwise.devstack import LocalStack, has_recommendations, replies_text, scripted_answer
from tests.web.conftest import WatchedPage

pytestmark = pytest.mark.integration


def test_widget_conversation_reaches_cards_and_explains(stack: LocalStack, watched: WatchedPage) -> None:
    page = watched.page
    page.goto(stack.api + "/")
    page.wait_for_selector(".rw-launcher", timeout=30_000)  # the widget is ready
    page.get_by_role("button", name="Talk to the advisor").click()
    page.wait_for_selector(".rw-response >> text=I'm Stackwise", timeout=30_000)

    box = page.locator(".rw-new-message")
    box.fill("I want to move into health data analysis, I know basic Excel, max 300 euros")
    box.press("Enter")
    page.wait_for_selector(".rw-response >> text=Right?", timeout=30_000)
    page.locator(".rw-reply", has_text="Yes").last.click()

    cards = page.locator(".rw-carousel-card")
    cards.first.wait_for(timeout=30_000)
    assert cards.count() >= 3
    first = cards.first.inner_text()
    # title, then "provider · price · weeks · mode" and the reason
    assert first.startswith("1. ") and " · " in first and "week" in first
    assert any(mode in first for mode in ("online", "onsite", "blended"))
    cards.first.get_by_text("Why this?").click()
    page.wait_for_selector(".rw-response >> text=Why 1.", timeout=30_000)
    watched.screenshot("widget-why")

    page.reload()  # the session survives a reload: the conversation is still there
    page.wait_for_selector(".rw-launcher", timeout=30_000)
    if not page.locator(".rw-new-message").is_visible():
        page.get_by_role("button", name="Talk to the advisor").click()
    page.wait_for_selector(".rw-response >> text=Why 1.", timeout=30_000)
    watched.screenshot("widget-reloaded")
    assert watched.errors == []
    assert watched.requests, "the page's requests were not recorded"
    assert watched.outside(stack.api, stack.rasa) == []  # the app and its chat socket, nothing else


def test_share_link_page_shows_the_saved_plan(stack: LocalStack, watched: WatchedPage) -> None:
    sender = "share-page"
    text = replies_text(stack.say(sender, "I want to become a data analyst, I know Excel, under 600 euros"))
    for _ in range(3):
        if has_recommendations(text):
            break
        text = replies_text(stack.say(sender, scripted_answer(text)))
    stack.say(sender, "show me my pathway")
    saved = replies_text(stack.say(sender, "save it"))
    token = re.search(r"/p/([\w-]+)", saved)
    assert token, saved
    plan = stack.get(f"/v1/shared/{token.group(1)}")
    page = watched.page
    page.goto(f"{stack.api}/p/{token.group(1)}")
    page.locator("#steps tr").first.wait_for(timeout=15_000)
    shown = page.locator("#steps .course").all_inner_texts()
    assert shown == [s["credential"]["title"] for s in plan["steps"]]
    assert page.locator("#totals").inner_text().startswith("Total: ")
    watched.screenshot("shared-pathway")
    page.goto(f"{stack.api}/p/not-a-token")
    page.wait_for_selector("#status >> text=does not show a pathway", timeout=15_000)
    assert [e for e in watched.errors if "404" not in e] == []  # the unknown token's 404 is the expected answer
