"""kinship-notify end to end: ``kinship due --notify`` delivers one digest to a real HTTP
endpoint on 127.0.0.1 (apprise's ``json://``), each follow-up once. No mocks."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from kinship.records import FollowUpRecord

import kinship_notify

TODAY = date(2026, 3, 10)


class Endpoint:
    """A local HTTP server that keeps what it is sent; ``status`` is what it answers."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.status = 200
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                endpoint.received.append(json.loads(self.rfile.read(length) or b"{}"))
                self.send_response(endpoint.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:  # quiet test output
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.server.server_address[1]}/kinship"


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    ep = Endpoint()
    ep.thread.start()
    try:
        yield ep
    finally:
        ep.server.shutdown()
        ep.server.server_close()
        ep.thread.join(timeout=5)


@pytest.fixture
def setup(
    endpoint: Endpoint,
    register_plugin: Any,
    kinship_config: Any,
    kinship_cli: Any,
    kinship_today: Any,
) -> Endpoint:
    """kinship with this plugin, [notify] pointing at the endpoint, two people due."""
    register_plugin(kinship_notify)
    kinship_config(f'[notify]\nurls = ["{endpoint.url}"]\n')
    for name, birthday in (("Ada Lovelace", "--03-10"), ("Bob Babbage", "--03-10")):
        assert kinship_cli("add", name, "--birthday", birthday).code == 0
    return endpoint


@pytest.mark.kinship_today(TODAY)
def test_due_notify_sends_one_digest_once(setup: Endpoint, kinship_cli: Any) -> None:
    dry = kinship_cli("due", "--notify", "--dry-run")
    assert dry.code == 0, dry.err
    assert dry.out.startswith("would notify: 2 follow-ups newly due")
    assert setup.received == []

    sent = kinship_cli("due", "--notify")
    assert (sent.code, sent.out, sent.err) == (0, "", "")
    [message] = setup.received
    assert message["title"] == "kinship: 2 follow-ups due"
    lines = message["message"].splitlines()
    assert [ln.split(" — ")[0] for ln in lines] == ["• Ada Lovelace", "• Bob Babbage"]
    assert lines[0].endswith("(birthday, Tue 10 Mar)")

    # Nothing new: nothing sent, not even an empty digest.
    assert kinship_cli("due", "--notify").code == 0
    assert len(setup.received) == 1

    # Someone new becomes due: only they are sent.
    assert kinship_cli("add", "Grace Hopper", "--birthday", "--03-10").code == 0
    assert kinship_cli("due", "--notify").code == 0
    assert len(setup.received) == 2
    assert setup.received[1]["title"] == "kinship: 1 follow-up due"
    assert setup.received[1]["message"].startswith("• Grace Hopper — ")


@pytest.mark.kinship_today(TODAY)
def test_an_endpoint_that_fails_gets_them_again(setup: Endpoint, kinship_cli: Any) -> None:
    setup.status = 500
    failed = kinship_cli("due", "--notify")
    assert failed.code == 1
    assert "not delivered to json://…" in failed.err
    assert "127.0.0.1" not in failed.err  # URLs can hold tokens: never printed
    setup.status = 200
    assert kinship_cli("due", "--notify").code == 0
    assert [m["title"] for m in setup.received] == [
        "kinship: 2 follow-ups due",
        "kinship: 2 follow-ups due",
    ]


def test_settings_are_checked(register_plugin: Any, kinship_config: Any, kinship_cli: Any) -> None:
    register_plugin(kinship_notify)
    kinship_config("[notify]\nurls = []\n")
    result = kinship_cli("notify-test")
    assert result.code == 1
    assert "no [notify] urls in the config file" in result.err
    kinship_config('[notify]\nurls = ["not a url at all"]\n')
    assert "apprise cannot use (not a URL)" in kinship_cli("notify-test").err


def test_notify_test_reaches_the_endpoint(
    endpoint: Endpoint, register_plugin: Any, kinship_config: Any, kinship_cli: Any
) -> None:
    register_plugin(kinship_notify)
    kinship_config(f'[notify]\nurls = ["{endpoint.url}"]\ntitle = "crm"\n')
    result = kinship_cli("notify-test")
    assert (result.code, result.out) == (0, "sent a test message to 1 url(s)\n"), result.err
    assert endpoint.received[0]["title"] == "crm: test"


def test_digest_is_bounded_and_one_line_per_item() -> None:
    items = [
        FollowUpRecord(f"u{i}", TODAY, f"line one\nline two {i}", "check-in", contact_name=f"P{i}")
        for i in range(25)
    ]
    title, body = kinship_notify.digest(items, kinship_notify.Settings(("json://x",), 3))
    assert title == "kinship: 25 follow-ups due"
    assert body.splitlines() == [
        "• P0 — line one line two 0 (check-in, Tue 10 Mar)",
        "• P1 — line one line two 1 (check-in, Tue 10 Mar)",
        "• P2 — line one line two 2 (check-in, Tue 10 Mar)",
        "… and 22 more: run `kinship today`",
    ]
