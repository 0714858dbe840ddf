"""The adviser console and the provider view in Debian's Chromium against the running stack: an adviser builds,
exports and shares a pathway; a provider sees why an import was refused; each page passes an axe-core scan."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from stackwise.devstack import LocalStack
from stackwise.settings import Settings
from tests.web.conftest import WatchedPage

pytestmark = pytest.mark.integration

AXE = Settings().web_vendor_dir / "axe.min.js"


def _sign_in(page: Any, stack: LocalStack, path: str) -> None:
    page.goto(stack.api + path)
    page.get_by_label("API key").fill(stack.console_key)
    page.get_by_role("button", name="Sign in").click()
    page.locator("#console").wait_for(state="visible", timeout=15_000)
    if path == "/adviser":  # the learner list has loaded: nothing moves under the next click
        page.locator("#learner-list li").first.wait_for(timeout=15_000)


# True once every finite CSS animation or transition on the page has finished (a spinner may loop forever).
SETTLED = """() => document.getAnimations().every(
    (a) => a.playState !== "running" || a.effect.getComputedTiming().iterations === Infinity)"""


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_adviser_builds_exports_and_shares_a_pathway(api_stack: LocalStack, watched: WatchedPage) -> None:
    stack = api_stack
    page = watched.page
    page.goto(stack.api + "/adviser")
    page.get_by_label("API key").fill("not-a-key")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#signin-status >> text=unknown or revoked", timeout=15_000)
    watched.errors.clear()  # the refused key's 401 is the expected answer
    _sign_in(page, stack, "/adviser")

    page.get_by_role("button", name="New learner").click()
    page.get_by_label("Name or pseudonym").fill("Rosa (test)")
    page.get_by_label("Goal, in the learner's words").fill(
        "I run a small farm and want to become a sustainability consultant for agriculture"
    )
    skill = page.get_by_role("combobox", name=re.compile("^Add a skill"))
    skill.press_sequentially("spreadsh", delay=40)
    option = page.locator("#skill-options").get_by_role("option").first  # not the language picker's
    option.wait_for(timeout=15_000)
    picked = option.inner_text()
    skill.press("ArrowDown")
    skill.press("Enter")
    skill.fill("driving a tractor")
    skill.press("Enter")
    assert page.locator("#skill-chips li span").all_inner_texts() == [picked, "driving a tractor"]
    page.get_by_label("Max price per course").fill("900")
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_selector("#profile-status >> text=Profile saved.", timeout=15_000)
    page.locator("#learner-list").get_by_text("Rosa (test)").wait_for(timeout=15_000)

    page.get_by_role("button", name="Find recommendations").click()
    results = page.locator("#recs > li")
    results.first.wait_for(timeout=30_000)
    assert results.count() >= 3
    assert re.search(r"Score \d\.\d\d", results.first.inner_text())
    assert page.locator("#recs mark").count() > 0  # matched words of the outcomes are highlighted
    for n in range(3):
        results.nth(n).get_by_role("button", name=re.compile("^Add to pathway")).click()
    steps = page.locator("#steps .step-title")
    assert steps.count() == 3
    page.wait_for_selector("#totals >> text=Total:", timeout=15_000)
    before = steps.all_inner_texts()
    page.get_by_role("button", name=f"Move {before[2]} up").click()
    after = steps.all_inner_texts()
    assert after == [before[0], before[2], before[1]]
    page.get_by_label("Title", exact=True).fill("Rosa's route to sustainability consulting")
    page.get_by_label("Pathway notes").fill("Start with the cheapest; check funding.")

    with page.expect_download() as download:
        page.get_by_role("button", name="Export PDF").click()
    pdf = Path(download.value.path()).read_bytes()
    from pypdf import PdfReader

    text = _squash("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert _squash("Rosa's route to sustainability consulting") in text
    for title in after:
        assert _squash(title) in text
    page.wait_for_selector("#pathway-status >> text=Exported as PDF", timeout=15_000)
    with page.expect_download() as elm_download:
        page.get_by_role("button", name="Export as ELM").click()
    elm = json.loads(Path(elm_download.value.path()).read_text(encoding="utf-8"))
    assert elm["@graph"][0]["type"] == "LearningOpportunity"
    page.wait_for_selector("#pathway-status >> text=Exported as ELM", timeout=15_000)

    page.get_by_role("button", name="Share with learner").click()
    page.locator("#share-box").wait_for(state="visible", timeout=15_000)
    token = page.get_by_label("Read-only link for the learner").input_value().rsplit("/p/", 1)[1]
    watched.screenshot("adviser-pathway")

    page.goto(f"{stack.api}/p/{token}")
    page.locator("#steps tr").first.wait_for(timeout=15_000)
    assert page.locator("#steps .course").all_inner_texts() == after
    assert page.locator("#title").inner_text() == "Rosa's route to sustainability consulting"
    watched.screenshot("adviser-shared-link")
    assert watched.errors == []


def test_provider_sees_why_an_import_was_refused_and_rebuilds_the_index(
    api_stack: LocalStack, watched: WatchedPage, tmp_path: Path
) -> None:
    stack = api_stack
    page = watched.page
    _sign_in(page, stack, "/provider")
    page.wait_for_selector("#index-facts >> text=Vectors", timeout=15_000)
    # The shipped catalog states every element, so the completeness table lists providers and nothing missing.
    page.wait_for_selector("#completeness-table tbody tr", timeout=15_000)
    assert "none" in page.locator("#completeness-table tbody tr").first.inner_text()
    assert "state every mandatory element" in page.locator("#completeness-summary").inner_text()
    bad = tmp_path / "short-courses.csv"
    bad.write_text("id,title,provider_id,eqf_level,price,currency\nbad id!,,nowhere,11,-5,EUR\n", encoding="utf-8")
    page.get_by_label("Catalog file").set_input_files(str(bad))
    page.get_by_role("button", name="Validate and import").click()
    page.wait_for_selector("#import-status >> text=nothing was imported", timeout=15_000)
    rows = page.locator("#import-report table.issues tbody tr")
    assert rows.count() >= 3
    assert "line 2" in page.locator("#import-report table.issues").first.inner_text()
    watched.errors.clear()  # the refused file's 422 is the expected answer

    page.get_by_role("button", name="Rebuild index").click()
    page.wait_for_selector("#index-status >> text=up to date", timeout=120_000)
    assert page.locator("#index-state").inner_text() == "ready"
    assert page.locator("#overlap-table tbody tr").count() >= 1
    watched.screenshot("provider-import-error")
    assert watched.errors == []


SCANNED = {
    "/": "chat widget open",
    "/adviser": "a new learner's profile, recommendations and pathway",
    "/provider": "import, index and analytics",
}


@pytest.mark.parametrize("path", list(SCANNED))
def test_pages_have_no_serious_accessibility_violations(
    request: pytest.FixtureRequest, watched: WatchedPage, path: str
) -> None:
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing; `make install` fetches axe-core from npm")
    stack: LocalStack = request.getfixturevalue("stack" if path == "/" else "api_stack")  # the chat needs Rasa
    page = watched.page
    if path == "/":
        page.goto(stack.api + "/")
        page.wait_for_selector(".rw-launcher", timeout=30_000)
        page.get_by_role("button", name="Talk to the advisor").click()
        page.wait_for_selector(".rw-response", timeout=30_000)
    else:
        _sign_in(page, stack, path)
        if path == "/adviser":
            page.get_by_role("button", name="New learner").click()
            page.get_by_label("Name or pseudonym").fill("Axe scan")
            page.get_by_label("Goal, in the learner's words").fill("become a data analyst")
            page.get_by_role("button", name="Find recommendations").click()
            page.locator("#recs > li").first.wait_for(timeout=30_000)
            page.locator("#recs > li").first.get_by_role("button", name=re.compile("^Add to pathway")).click()
        else:
            page.wait_for_selector("#index-facts >> text=Vectors", timeout=15_000)
    # The widget fades in: a colour read mid-animation is blended with the page and fails contrast at random.
    page.wait_for_function(SETTLED, timeout=15_000)
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in found["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    watched.screenshot("axe" + (path.replace("/", "-") if path != "/" else "-chat"))
    assert serious == [], f"{path} ({SCANNED[path]}):\n" + "\n".join(serious)
    assert watched.errors == []
