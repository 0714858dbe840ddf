"""Whole conversations against the running stack: REST webhook, socket.io, and the real index behind the API."""

from __future__ import annotations

import uuid

import pytest
import socketio

from knowledge.currency import convert
from stackwise.devstack import LocalStack as Stack
from stackwise.devstack import has_recommendations, replies_text, scripted_answer

pytestmark = pytest.mark.integration

NURSE = (
    "Hi, I'm a nurse and want to move into health data analysis, I know basic Excel, "
    "can spend 4 hours a week and max 300 euros"
)


def _eur(item: dict) -> float:
    return convert(item["price"], item["currency"], "EUR")


def test_nurse_gets_recommendations_within_budget_in_three_turns(stack: Stack) -> None:
    sender = f"nurse-{uuid.uuid4().hex[:8]}"
    replies = stack.say(sender, NURSE)
    turns = 0
    while not has_recommendations(replies_text(replies)) and turns < 3:
        replies = stack.say(sender, scripted_answer(replies_text(replies), skills="basic Excel"))
        turns += 1
    text = replies_text(replies)
    assert has_recommendations(text), f"no recommendations after {turns} more turns:\n{text}"
    shown = stack.slots(sender)["last_results"]
    assert 3 <= len(shown) <= 5
    for item in shown:
        assert item["reason"] and item["reason"] in text
        assert _eur(item) <= 300 + 1e-6, item
        detail = stack.get(f"/v1/credentials/{item['id']}")["credential"]
        assert _eur(detail) <= 300 + 1e-6
    assert any(r.get("attachment", {}).get("payload", {}).get("template_type") == "generic" for r in replies)


def test_follow_ups_refine_explain_and_plan(stack: Stack) -> None:
    sender = f"analyst-{uuid.uuid4().hex[:8]}"
    replies = stack.say(sender, "I want to become a data analyst")
    for _ in range(4):
        if has_recommendations(replies_text(replies)):
            break
        replies = stack.say(sender, scripted_answer(replies_text(replies), skills="basic Excel"))
    first = stack.slots(sender)["last_results"]
    assert first

    why = replies_text(stack.say(sender, "why the second one?"))
    assert first[1]["title"] in why and first[1]["reason"] in why

    stack.say(sender, "only online ones please")
    online = stack.slots(sender)["last_results"]
    assert online and all(item["mode"] == "online" for item in online)

    cheaper = replies_text(stack.say(sender, "something cheaper"))
    after = stack.slots(sender)["last_results"]
    if "kept your previous limits" in cheaper:
        assert after == online
    else:
        assert after and max(_eur(i) for i in after) < max(_eur(i) for i in online)
        assert all(item["mode"] == "online" for item in after)  # earlier refinements still hold

    plan = replies_text(stack.say(sender, "show me the whole pathway"))
    assert "Your pathway" in plan and "Total:" in plan
    saved = replies_text(stack.say(sender, "save it please"))
    assert "/p/" in saved


def test_socketio_session_gets_replies(stack: Stack) -> None:
    """rasa-webchat's transport, with session persistence (python-socketio pinned in the bot's environment)."""
    client = socketio.Client(reconnection=False)
    received: list[dict] = []
    session = uuid.uuid4().hex
    confirmed: list[str] = []
    client.on("session_confirm", lambda data: confirmed.append(str(data)))
    client.on("bot_uttered", lambda data: received.append(data))
    client.connect(stack.rasa, transports=["websocket"], wait_timeout=20)
    try:
        client.emit("session_request", {"session_id": session})
        client.sleep(1)
        client.emit("user_uttered", {"message": "hello", "session_id": session, "customData": {"language": "en"}})
        for _ in range(60):
            if received:
                break
            client.sleep(0.5)
    finally:
        client.disconnect()
    assert confirmed and received and any(r.get("text") for r in received)
