"""The room in a real browser: Debian's chromium driven by Playwright (no browser download).

A participant completes the questionnaire on a 390×844 phone viewport, a second one
resumes after a reload, and the projector page updates without a reload: first the
counts, then, once the threshold is met, the figures. The page must raise no console
error (a Content-Security-Policy violation would show there).

Screenshots go to ``$SALESMKT_ROOM_SHOTS`` when set (for a person to look at), else to
the test's temporary folder.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.room import CSRF, ITEMS, admin_address, answers_for, free_port, start_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (Debian package 'chromium'; .ci/run installs it)",
)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, str, int]]:
    port = free_port()
    proc, code = start_server(tmp_path / "room", port)
    try:
        yield f"http://127.0.0.1:{port}", code, port
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def browser() -> Iterator[Any]:
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SALESMKT_ROOM_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _watch_errors(page: Any, errors: list[str]) -> None:
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))


def _answer(page: Any, item: str, value: int) -> None:
    page.locator(f'fieldset[data-item="{item}"] label.choice').nth(value - 1).click()
    playwright.expect(page.locator(f"#status-{item}")).to_have_text("Saved ✓")


def _answer_in_order(page: Any, items: list[str], value: int) -> None:
    """Answer statements in order, pressing Next whenever the next one is on a new screen."""
    for item in items:
        block = ITEMS.index(item) // 4
        if not page.locator(f"#s-block-{block}").is_visible():
            page.locator(f"#s-block-{block - 1} button.next").click()
        _answer(page, item, value)


def _join(page: Any, url: str, group: str, shot: Path | None = None) -> None:
    page.goto(url)
    playwright.expect(page.locator("#s-join")).to_be_visible()
    page.get_by_label(group, exact=True).check()
    if shot is not None:
        page.screenshot(path=str(shot))
    page.get_by_role("button", name="Start").click()
    playwright.expect(page.locator("#s-block-0")).to_be_visible()


def _api_participant(base: str, code: str, group: str, answers: list[int]) -> None:
    with httpx.Client(base_url=base) as client:
        found = CSRF.search(client.get("/").text)
        assert found
        headers = {"x-csrf-token": found.group(1)}
        client.post("/api/join", json={"code": code, "group": group}, headers=headers)
        for item, value in zip(ITEMS, answers, strict=True):
            assert client.post("/api/answer", json={"item": item, "value": value}, headers=headers)
        assert client.post("/api/submit", json={}, headers=headers).status_code == 200


def test_phone_participants_and_the_live_projector(
    server: tuple[str, str, int], browser: Any, shots: Path
) -> None:
    base, code, port = server
    join_url = f"{base}/?room={code}"
    errors: list[str] = []

    projector = browser.new_page(viewport={"width": 1280, "height": 800})
    _watch_errors(projector, errors)
    projector.goto(admin_address(port))
    assert projector.url == f"{base}/projector"  # the token left the address bar
    counts = projector.locator("#counts")
    playwright.expect(counts).to_contain_text("Sales")
    playwright.expect(projector.locator("#waiting")).to_contain_text("3 more from Sales")

    phone = browser.new_context(**PHONE).new_page()
    _watch_errors(phone, errors)
    _join(phone, join_url, "Sales", shots / "participant-join.png")
    phone.screenshot(path=str(shots / "participant-phone.png"), full_page=False)
    answers = answers_for(0)
    for block in range(5):
        for item in ITEMS[block * 4 : block * 4 + 4]:
            if item != "q07":  # one statement skipped
                _answer(phone, item, answers[ITEMS.index(item)])
        if block == 1:
            phone.locator('fieldset[data-item="q06"]').scroll_into_view_if_needed()
            phone.screenshot(path=str(shots / "participant-answered.png"))
        phone.locator(f"#s-block-{block} button.next").click()
    playwright.expect(phone.locator("#s-review")).to_be_visible()
    playwright.expect(phone.locator("#review-list li")).to_have_count(20)
    playwright.expect(phone.locator("#review-list li").nth(6)).to_contain_text("skipped")
    playwright.expect(phone.locator("#progress-text")).to_have_text("19 of 20 answered")
    phone.screenshot(path=str(shots / "participant-review.png"), full_page=False)
    # Changing an answer from the review, then straight back to it.
    phone.get_by_role("button", name="Change: Sales and Marketing use the same terms").click()
    playwright.expect(phone.locator("#s-block-1")).to_be_visible()
    _answer(phone, "q07", 3)
    phone.locator("#s-block-1 button.to-review").click()
    playwright.expect(phone.locator("#review-list li").nth(6)).to_contain_text("3 · Neither")
    phone.get_by_role("button", name="Submit").click()
    playwright.expect(phone.locator("#s-done")).to_be_visible()
    # The projector counts the submission without a reload.
    playwright.expect(counts.locator("tr").first).to_contain_text("Sales1")

    second = browser.new_context(**PHONE).new_page()
    _watch_errors(second, errors)
    _join(second, join_url, "Marketing")
    _answer_in_order(second, ITEMS[:6], 4)
    second.reload()
    # Resumed: at the first block with an open statement, earlier answers still chosen.
    playwright.expect(second.locator("#s-block-1")).to_be_visible()
    playwright.expect(second.locator('input[name="q05"][value="4"]')).to_be_checked()
    playwright.expect(second.locator("#progress-text")).to_have_text("6 of 20 answered")
    # Keyboard and screen readers: each statement is a named radio group.
    group = second.get_by_role("group", name="7. Sales and Marketing use the same terms")
    playwright.expect(group.get_by_role("radio")).to_have_count(6)
    group.get_by_role("radio", name="3 · Neither agree nor disagree").focus()
    second.keyboard.press("Space")
    playwright.expect(second.locator("#status-q07")).to_have_text("Saved ✓")
    _answer_in_order(second, ITEMS[7:], 2)
    second.locator("#s-block-4 button.next").click()
    second.get_by_role("button", name="Submit").click()
    playwright.expect(second.locator("#s-done")).to_be_visible()
    playwright.expect(counts.locator("tr").nth(1)).to_contain_text("Marketing10")
    projector.screenshot(path=str(shots / "projector-before-threshold.png"), full_page=True)
    assert projector.locator("#figures").is_hidden()

    for n, group in enumerate(["sales", "sales", "marketing", "marketing"]):
        _api_participant(base, code, group, answers_for(n + 30))
    playwright.expect(projector.locator("#figures")).to_be_visible(timeout=15_000)
    playwright.expect(projector.locator("#overall-stage")).not_to_be_empty()
    playwright.expect(projector.locator("#gaps li")).to_have_count(3)
    playwright.expect(projector.locator("#download")).to_be_visible()
    projector.screenshot(path=str(shots / "projector-after-threshold.png"), full_page=True)
    assert errors == []
