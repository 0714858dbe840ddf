"""The widget page in Debian's Chromium, driven by Playwright, against the whole running stack."""

from __future__ import annotations

import json
import re
import time
import urllib.request
from typing import Any

import pytest

from knowledge.currency import convert
from recommender.language import detect
from stackwise.devstack import LocalStack, has_recommendations, replies_text, scripted_answer, spoken_part
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


# -- a learner in their own language, in the widget (issue #22) --------------------------------------------------

# A smallholder who wants to learn to assess their farm's sustainability, online, with a budget in their currency;
# then short answers to whatever the bot may still ask (by `asked()`: the profile question it is waiting for).
WIDGET_LEARNERS = {
    "id": (
        "Halo, saya petani sawit kecil di Sumatra, mau belajar menilai keberlanjutan kebun saya, online, "
        "anggaran 3 juta rupiah",
        3_000_000,
        "IDR",
        {
            "goal": "menilai keberlanjutan kebun sawit",
            "skills": "bertani sawit 10 tahun",
            "skills_confirmed": "ya",
            "constraints": "online, maksimal 3 juta rupiah",
            "recommend": "tolong tunjukkan kursusnya",
        },
    ),
    "th": (
        "สวัสดีครับ ผมเป็นเกษตรกรรายย่อยปลูกปาล์มน้ำมันที่กระบี่ อยากเรียนวิธีประเมินความยั่งยืนของสวน เรียนออนไลน์ งบไม่เกิน 5,000 บาท",
        5_000,
        "THB",
        {
            "goal": "ประเมินความยั่งยืนของสวนปาล์ม",
            "skills": "ปลูกปาล์มมา 10 ปี",
            "skills_confirmed": "ใช่",
            "constraints": "เรียนออนไลน์ งบไม่เกิน 5,000 บาท",
            "recommend": "ขอดูคอร์สหน่อยครับ",
        },
    ),
    "fi": (
        "Hei, olen pienviljelijä Pohjois-Savosta ja haluan oppia arvioimaan tilani kestävyyttä, verkossa, "
        "budjetti enintään 300 euroa",
        300,
        "EUR",
        {
            "goal": "arvioida tilan kestävyyttä",
            "skills": "maanviljely 10 vuotta",
            "skills_confirmed": "kyllä",
            "constraints": "verkossa, enintään 300 euroa",
            "recommend": "näytä kurssit",
        },
    ),
}
MIN_LETTERS = 25  # shorter replies say too little to tell a language


def _tracker(stack: LocalStack, sender: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{stack.rasa}/conversations/{sender}/tracker?token={stack.token}", timeout=30) as r:
        return dict(json.load(r))


# What the widget shows: each bot bubble (not the typing dots), whether it is a numbered list, and the carousels.
SHOWN_JS = """() => ({
    bubbles: [...document.querySelectorAll('.rw-response')].filter(r => !r.querySelector('.rw-dot'))
        .map(r => ({text: r.innerText, list: !!r.querySelector('ol, ul')})),
    carousels: document.querySelectorAll('.rw-carousel-container').length,
    typing: document.querySelectorAll('.rw-dot').length,
})"""


def _settle(page: Any, stack: LocalStack, sender: str, sent: str | None = None) -> None:
    """Waits until the bot has answered (`sent`, else whatever came last: the widget's greeting) and the widget
    shows every reply the tracker holds. Rasa's socket.io channel sends each paragraph of a text as its own
    message, and the widget shows them one after another behind typing dots."""
    deadline = time.monotonic() + 45
    while True:
        tracker = _tracker(stack, sender)
        events = tracker["events"]
        users = [e for e in events if e["event"] == "user"]
        if (
            users
            and (sent is None or users[-1].get("text") == sent)
            and tracker.get("latest_action_name") == "action_listen"
        ):
            break
        assert time.monotonic() < deadline, f"the bot did not answer {sent!r}"
        time.sleep(0.3)
    said = [e for e in events if e["event"] == "bot"]
    bubbles = sum(len([p for p in e["text"].strip().split("\n\n") if p.strip()]) for e in said if e.get("text"))
    carousels = sum(1 for e in said if (e.get("data") or {}).get("attachment"))
    page.wait_for_function(
        f"([bubbles, carousels]) => {{ const s = ({SHOWN_JS})();"
        " return s.typing === 0 && s.bubbles.length >= bubbles && s.carousels >= carousels; }",
        arg=[bubbles, carousels],
        timeout=30_000,
    )


def _say(page: Any, stack: LocalStack, sender: str, text: str) -> None:
    box = page.locator(".rw-new-message")
    box.fill(text)
    box.press("Enter")
    _settle(page, stack, sender, text)


@pytest.mark.parametrize("code", list(WIDGET_LEARNERS))
def test_widget_answers_a_learner_in_their_language(stack: LocalStack, watched: WatchedPage, code: str) -> None:
    opener, budget, currency, answers = WIDGET_LEARNERS[code]
    page = watched.page
    page.set_viewport_size({"width": 1280, "height": 900})  # the whole page: a full-page screenshot resizes nothing
    page.goto(f"{stack.api}/?lang={code}")
    page.wait_for_selector(".rw-launcher", timeout=30_000)
    page.locator("#open-chat").click()
    page.locator(".rw-response").first.wait_for(timeout=30_000)
    session = page.evaluate("JSON.parse(localStorage.getItem('chat_session') || '{}').session_id")
    assert session, "the widget keeps no session id in local storage"
    _settle(page, stack, session)  # the bot introduced itself

    _say(page, stack, session, opener)
    slots = stack.slots(session)
    for _ in range(5):
        if has_recommendations(slots):
            break
        _say(page, stack, session, scripted_answer(slots, answers=answers))
        slots = stack.slots(session)
    shown = page.evaluate(SHOWN_JS)
    # the screenshot shows the learner's last message and the bot's answer to it, not only the cards below
    page.locator(".rw-from-client").last.evaluate(
        "e => { const box = document.querySelector('.rw-messages-container');"
        " box.scrollTop = e.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop; }"
    )
    watched.screenshot(f"widget-{code}")
    transcript = "\n---\n".join(b["text"] for b in shown["bubbles"])

    checked = 0
    for bubble in shown["bubbles"]:
        if bubble["list"]:
            continue  # the listed options: course titles, in their catalog's language
        words = spoken_part(bubble["text"])  # the first line up to a colon: no quoted titles, skills or limits
        if sum(ch.isalpha() for ch in words) >= MIN_LETTERS and (found := detect(words)):
            assert code in found, f"{words!r} is in {sorted(found)}, not {code}:\n{transcript}"
            checked += 1
    assert checked >= 3, f"too few replies long enough to tell their language:\n{transcript}"

    results = slots.get("last_results") or []
    for item in results:  # what was listed, if anything, is within the learner's budget
        detail = stack.get(f"/v1/credentials/{item['id']}")["credential"]
        assert detail["price"] is not None, item["id"]
        price = convert(detail["price"], detail["currency"], currency)
        assert price <= budget + 1e-6, (item["id"], detail["price"], detail["currency"])
    if results:
        cards = page.locator(".rw-carousel-card").all_inner_texts()
        assert len(cards) == len(results), cards
        for card, item in zip(cards, results, strict=True):
            assert item["title"] in card, (item["title"], card)
            if item["price"] and currency != "EUR":  # the catalog's common currency beside the learner's
                assert "€" in card, card
    assert watched.errors == []
