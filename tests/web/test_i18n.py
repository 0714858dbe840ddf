"""The pages in other languages, in Debian's Chromium: the chat page in Indonesian and then Thai (the widget starts
with the language as customData), the share page in Finnish with prices written the Finnish way, the adviser
console in Finnish and Indonesian, the provider view in Indonesian."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from stackwise.devstack import LocalStack
from tests.web.conftest import WatchedPage

pytestmark = pytest.mark.integration

WEB = Path(__file__).resolve().parents[2] / "web"

# Records the options each page passes to rasa-webchat (the bundle assigns window.WebChat once it has loaded).
RECORD_WIDGET = """
(() => {
  let chat;
  window.__widgetOptions = [];
  Object.defineProperty(window, "WebChat", {
    configurable: true,
    get() { return chat; },
    set(bundle) {
      const start = bundle.default;
      chat = Object.assign({}, bundle, {
        default(options, ...rest) {
          window.__widgetOptions.push(JSON.parse(JSON.stringify({
            customData: options.customData, title: options.title, subtitle: options.subtitle,
            inputTextFieldHint: options.inputTextFieldHint })));
          return start.call(bundle, options, ...rest);
        },
      });
    },
  });
})();
"""


def _messages(lang: str, group: str = "") -> dict[str, str]:
    folder = WEB / "i18n" / group if group else WEB / "i18n"
    return json.loads((folder / f"{lang}.json").read_text(encoding="utf-8"))


def _widget_options(page: Any) -> dict[str, Any]:
    page.wait_for_function("() => window.__widgetOptions && window.__widgetOptions.length > 0", timeout=30_000)
    options: list[dict[str, Any]] = page.evaluate("() => window.__widgetOptions")
    assert len(options) == 1, options  # one widget per page load
    return options[0]


def test_chat_page_in_indonesian_then_thai(stack: LocalStack, watched: WatchedPage) -> None:
    indonesian, thai = _messages("id"), _messages("th")
    page = watched.page
    page.add_init_script(RECORD_WIDGET)
    page.goto(stack.api + "/?lang=id")
    page.wait_for_selector(".rw-launcher", timeout=30_000)
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("h1").inner_text() == indonesian["chat.title"]
    assert page.title() == indonesian["chat.page_title"]
    options = _widget_options(page)
    assert options["customData"] == {"language": "id"}
    assert options["subtitle"] == indonesian["widget.subtitle"]
    assert options["inputTextFieldHint"] == indonesian["widget.hint"]
    picker = page.get_by_label(indonesian["site.language"])
    assert picker.input_value() == "id"
    names = picker.locator("option").all_inner_texts()
    assert {"Bahasa Indonesia", "ไทย", "Tiếng Việt", "Suomi", "English"} <= set(names) and len(names) == 10
    page.get_by_role("button", name=indonesian["chat.open"]).click()
    page.wait_for_selector(".rw-response", timeout=30_000)
    assert page.locator(".rw-new-message").get_attribute("placeholder") == indonesian["widget.hint"]
    page.wait_for_timeout(600)  # the widget slides in
    watched.screenshot("chat-id")

    with page.expect_navigation():  # a new language starts the widget again, with the new customData
        picker.select_option("th")
    page.wait_for_selector(".rw-launcher", timeout=30_000)
    assert page.locator("html").get_attribute("lang") == "th"
    assert page.locator("h1").inner_text() == thai["chat.title"]
    assert page.locator("#how-title").inner_text() == thai["chat.how_title"]
    assert "lang=th" in page.url
    options = _widget_options(page)
    assert options["customData"] == {"language": "th"}
    assert options["subtitle"] == thai["widget.subtitle"]
    page.get_by_role("button", name=thai["chat.open"]).click()
    page.locator(".rw-new-message").wait_for(timeout=30_000)
    page.wait_for_timeout(600)
    watched.screenshot("chat-th")

    page.goto(stack.api + "/")  # the choice is remembered without ?lang=
    page.wait_for_selector(".rw-launcher", timeout=30_000)
    assert page.locator("html").get_attribute("lang") == "th"
    assert _widget_options(page)["customData"] == {"language": "th"}
    assert watched.errors == []


def test_chat_page_follows_the_browser_language(stack: LocalStack, browser: Any) -> None:
    context = browser.new_context(locale="fi-FI")
    try:
        page = context.new_page()
        page.add_init_script(RECORD_WIDGET)
        page.goto(stack.api + "/")
        page.wait_for_selector(".rw-launcher", timeout=30_000)
        assert page.locator("html").get_attribute("lang") == "fi"
        assert page.locator("h1").inner_text() == _messages("fi")["chat.title"]
        assert _widget_options(page)["customData"] == {"language": "fi"}
    finally:
        context.close()


def _call(stack: LocalStack, method: str, path: str, body: Any = None) -> Any:
    request = urllib.request.Request(
        stack.api + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {stack.console_key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def test_share_page_in_finnish(api_stack: LocalStack, watched: WatchedPage) -> None:
    stack = api_stack
    finnish = _messages("fi")
    found = _call(stack, "GET", "/v1/credentials?limit=100")["items"]
    priced = [c for c in found if c.get("price") and c.get("currency") == "EUR"][:2]
    assert priced, "the catalog lists no credential priced in euros"
    learner = _call(stack, "POST", "/v1/learners", {"name": "Aino (test)", "goal": "data analyst"})
    steps = [{"credential_id": c["id"], "status": "planned"} for c in priced]
    base = f"/v1/learners/{learner['id']}/pathways"
    saved = _call(stack, "POST", base, {"title": "Ainon opintopolku", "steps": steps, "notes": ""})
    link = _call(stack, "POST", f"{base}/{saved['id']}/share")

    page = watched.page
    page.goto(f"{stack.api}/p/{link['token']}?lang=fi")  # the link names the public host; the test runs locally
    page.locator("#steps tr").first.wait_for(timeout=15_000)
    assert page.locator("html").get_attribute("lang") == "fi"
    headers = page.locator("#plan thead th").all_inner_texts()
    assert headers[1:4] == [finnish["share.col_course"], finnish["share.col_provider"], finnish["share.col_price"]]
    assert page.locator("#steps .course").all_inner_texts() == [c["title"] for c in priced]
    price = page.locator("#steps tr").first.locator("td").nth(2).inner_text()
    # fi-FI: a no-break space between thousands, a decimal comma, the euro sign after the amount
    assert re.fullmatch(r"\d{1,3}(?:[\u00a0\u202f]\d{3})*,\d{2}[\u00a0\u202f]€", price), price
    amount = float(priced[0]["price"])
    assert price.replace("\u00a0", "").replace("\u202f", "").replace("€", "") == f"{amount:.2f}".replace(".", ",")
    assert page.locator("#steps tr").first.locator("td").last.inner_text() == finnish["status.planned"]
    totals = page.locator("#totals").inner_text()
    assert totals.startswith("Yhteensä: ") and "€" in totals and ("viikko" in totals)
    assert page.locator("#pdf").inner_text() == finnish["share.pdf"]
    watched.screenshot("share-fi")

    english = _messages("en")
    page.get_by_label(finnish["site.language"]).select_option("en")  # redrawn in place, no reload
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert page.locator("#plan thead th").nth(1).inner_text() == english["share.col_course"]
    assert page.locator("#totals").inner_text().startswith("Total: €")
    assert watched.errors == []


def test_adviser_console_and_provider_view_in_finnish_and_indonesian(
    api_stack: LocalStack, watched: WatchedPage
) -> None:
    stack = api_stack
    finnish, indonesian = _messages("fi", "console"), _messages("id", "console")
    page = watched.page
    page.goto(stack.api + "/adviser?lang=fi")
    # The page applies the language once its message file has arrived: wait for that (10 s hang guard).
    page.wait_for_function("document.documentElement.lang === 'fi'", timeout=10_000)
    assert page.locator("html").get_attribute("lang") == "fi"
    page.get_by_label(finnish["console.key"]).fill(stack.console_key)
    page.get_by_role("button", name=finnish["console.signin"], exact=True).click()
    page.locator("#console").wait_for(state="visible", timeout=15_000)
    assert page.locator("#learners-title").inner_text() == finnish["adviser.learners"]
    # Act on the settled console (its learner list drawn), as a person would: a click in the first ~100 ms after
    # sign-in was lost twice on a loaded machine (CI, and 2 of ~60 local runs; cause not found).
    page.locator("#learner-list > li").first.wait_for(timeout=15_000)
    page.get_by_role("button", name=finnish["adviser.new_learner"]).click()
    page.locator("#profile-section").wait_for(state="visible", timeout=15_000)
    page.get_by_label(finnish["adviser.name"]).fill("Aino (testi)")
    page.get_by_label(finnish["adviser.goal"]).fill("become a data analyst")
    page.get_by_role("button", name=finnish["adviser.find"]).click()
    results = page.locator("#recs > li")
    results.first.wait_for(timeout=30_000)
    assert finnish["adviser.score"].split(" ")[0] in results.first.inner_text()
    results.first.get_by_role("button", name=re.compile("^" + finnish["adviser.add"])).click()
    page.wait_for_selector("#totals >> text=Yhteensä:", timeout=15_000)
    assert page.locator("#pathway-name").input_value() == finnish["adviser.default_pathway_title"]
    watched.screenshot("adviser-fi")

    page.get_by_label(finnish["console.language"]).select_option("id")  # redrawn in place, nothing lost
    page.wait_for_function("() => document.documentElement.lang === 'id'")
    assert page.locator("#learners-title").inner_text() == indonesian["adviser.learners"]
    assert page.get_by_label(indonesian["adviser.name"]).input_value() == "Aino (testi)"
    assert page.locator("#steps .step-title").count() == 1
    page.wait_for_selector("#totals >> text=Total:", timeout=15_000)
    assert indonesian["adviser.in_pathway"] in results.first.inner_text()

    page.goto(stack.api + "/provider")  # the choice is remembered; the key too (this tab's session)
    page.locator("#console").wait_for(state="visible", timeout=15_000)
    assert page.locator("html").get_attribute("lang") == "id"
    page.wait_for_selector(f"#index-facts >> text={indonesian['provider.fact_vectors']}", timeout=15_000)
    assert page.locator("#index-state").inner_text() == indonesian["provider.ready"]
    assert page.locator("#import-title").inner_text() == indonesian["provider.import_title"]
    watched.screenshot("provider-id")

    page.evaluate("() => localStorage.clear()")
    page.goto(stack.api + "/provider?lang=de")  # no German console yet, nothing remembered: the browser's English
    page.locator("#console").wait_for(state="visible", timeout=15_000)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#import-title").inner_text() == "Import a catalog"
    assert watched.errors == []
