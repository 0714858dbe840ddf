"""The scale test's own parts: the tracker check must catch a lost, doubled or reordered turn and lost or doubled
replies, and forgive a turn whose server died; the API proxy must skip a replica that refuses connections."""

from __future__ import annotations

import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from stackwise.scaletest import Attempt, Conversation, FailoverProxy, check_conversation, rest_messages


def _attempt(n: int, message: str, replies: list[str | None], ok: bool = True) -> Attempt:
    return Attempt(f"ana/{n}", message, "rasa-1", ok, [{"text": t} for t in replies] if ok else [], 0.1, 0.0)


def _user(n: int, text: str) -> dict[str, Any]:
    return {"event": "user", "text": text, "metadata": {"attempt": f"ana/{n}"}}


def _bot(text: str | None, **data: Any) -> dict[str, Any]:
    return {"event": "bot", "text": text, "data": data}


@pytest.fixture
def conversation() -> Conversation:
    return Conversation(
        "ana",
        [
            _attempt(1, "I want to become a data analyst", ["Hi, I'm Stackwise.", "What do you already know?"]),
            _attempt(2, "Excel", ["I understood that you already know: use spreadsheets software. Right?"]),
            _attempt(3, "yes", ["1. SQL for Analysts", None]),
        ],
    )


def _intact() -> list[dict[str, Any]]:
    return [
        {"event": "session_started"},
        _bot("Hi, I'm Stackwise."),  # the greeting of the session start arrives with the first reply
        {"event": "action", "name": "action_listen"},
        _user(1, "I want to become a data analyst"),
        _bot("What do you already know?"),
        _user(2, "Excel"),
        _bot(
            "I understood that you already know: use spreadsheets software. Right?",
            buttons=[{"title": "yes"}, {"title": "no"}],
        ),
        _user(3, "yes"),
        _bot("1. SQL for Analysts", attachment={"type": "template"}),
    ]


def test_an_intact_conversation_passes(conversation: Conversation) -> None:
    assert check_conversation(conversation, _intact()) == []


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda e: e[:5] + e[7:], "not in the tracker"),  # turn 2 and its reply lost
        (lambda e: [*e[:7], e[5], e[6], *e[7:]], "2 times"),  # turn 2 doubled
        (lambda e: [*e[:5], e[7], e[8], e[5], e[6]], "out of order"),
        (lambda e: [*e, _bot("1. SQL for Analysts", attachment={"type": "template"})], "ana/3 got"),  # doubled reply
        (lambda e: e[:6] + e[7:], "ana/2 got"),  # a lost reply
        (lambda e: [*e, {**_user(9, "hello"), "metadata": {}}], "nobody sent"),
    ],
)
def test_every_kind_of_damage_is_reported(conversation: Conversation, change: Any, says: str) -> None:
    problems = check_conversation(conversation, change(_intact()))
    assert any(says in p for p in problems), problems


def test_a_turn_whose_server_died_may_or_may_not_be_in_the_tracker(conversation: Conversation) -> None:
    conversation.attempts.insert(2, _attempt(9, "yes", [], ok=False))  # died, then sent again (ana/3)
    assert check_conversation(conversation, _intact()) == []
    reached = _intact()
    reached[7:7] = [_user(9, "yes"), _bot("I understood that you already know: use spreadsheets software. Right?")]
    assert check_conversation(conversation, reached) == []


def test_rest_replies_split_like_rasa() -> None:
    assert rest_messages(_bot("Price: 300 EUR.\n\nFormat: online.")) == ["Price: 300 EUR.", "Format: online."]
    assert rest_messages(_bot("Right?\n\nSure?", buttons=[{"title": "yes"}])) == ["Right?\n\nSure?"]
    assert rest_messages(_bot("Top 5", attachment={"x": 1}, custom={"y": 2})) == ["Top 5", None, None]


class _Named(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = self.server.name.encode()  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def _server(name: str) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Named)
    server.name = name  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_proxy_alternates_and_skips_a_replica_that_is_down() -> None:
    one, two = _server("one"), _server("two")
    proxy = FailoverProxy([("127.0.0.1", one.server_address[1]), ("127.0.0.1", two.server_address[1])]).start()

    def ask() -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{proxy.port}/", timeout=5) as r:
            return str(r.read().decode())

    try:
        assert sorted(ask() for _ in range(4)) == ["one", "one", "two", "two"]
        two.shutdown()
        two.server_close()
        assert [ask() for _ in range(3)] == ["one"] * 3
        assert proxy.connections == [5, 2]
    finally:
        one.shutdown()
        proxy.stop()
