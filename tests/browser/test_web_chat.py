"""The sandbox web chat in headless Chromium, against the real `python -m bot sandbox` process:
create a persona, /start, the language button, the contact button, badges, photo and location;
on a 360×740 phone the newest message stays in view through keyboards, a long text, a sticker, a
voice note and someone else's contact; a new resident's story from /start to a tracking code
(issue 13), counting the taps — and screenshots in test-artifacts/ to look at."""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.settings import PROJECT_ROOT
from services.i18n import Translator
from tests.sandbox.process import SandboxProcess, get_json, post_json

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
TIMEOUT_MS = 15_000

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Debian's Chromium at {CHROMIUM} (`apt-get install chromium`; scripts/test does it)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="browser tests need Playwright for Python (`pip install -e '.[dev]'`)"
)

pytestmark = pytest.mark.e2e

T = Translator()


def sample_png(width: int = 96, height: int = 64) -> bytes:
    """A small gradient PNG, made here so the test needs no file."""
    rows = b"".join(
        b"\x00" + b"".join(bytes((40 + x, 120 + y, 160)) for x in range(width)) for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[str]:
    """`python -m bot sandbox` with no token and a fresh SQLite file; yields its base URL."""
    process = SandboxProcess(tmp_path)
    try:
        base_url = process.start()
        yield base_url
    finally:
        log = process.stop()
    assert "Traceback" not in log, log
    assert f"is running at {base_url}/" in log, log


def expect_bot_text(page: Any, text: str) -> None:
    """Wait until exactly one of the bot's messages reads `text`, character for character."""
    count = """t => [...document.querySelectorAll('.msg.in .text')].filter(n => n.textContent === t).length"""
    page.wait_for_function(f"t => ({count})(t) > 0", arg=text)
    assert page.evaluate(count, text) == 1, text


def test_web_chat_onboarding_in_persian(sandbox: str) -> None:
    expect = sync_api.expect
    ARTIFACTS.mkdir(exist_ok=True)
    personas = get_json(f"{sandbox}/sandbox/personas.json")
    assert len(personas) >= 4 and {p["platform"] for p in personas} == {"telegram", "bale"}, personas
    other = next(p for p in personas if p["platform"] == "bale")

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                viewport={"width": 1100, "height": 820}, locale="fa-IR", timezone_id="Asia/Tehran"
            )
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            problems: list[str] = []
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on(
                "console",
                lambda msg: problems.append(f"console: {msg.text}") if msg.type == "error" else None,
            )
            page.goto(f"{sandbox}/")

            assert page.evaluate("document.documentElement.dir") == "rtl"
            assert page.evaluate("document.documentElement.lang") == "fa"
            expect(page.locator("#persona-list li")).to_have_count(len(personas))
            expect(page.locator("#persona-list")).to_contain_text(personas[0]["name"])

            # A persona of one's own, phone typed in Persian digits.
            page.click("#new-persona")
            page.fill("#persona-form input[name=name]", "نرگس موسوی")
            page.fill("#persona-form input[name=phone]", "۰۹۱۲۳۴۵۶۷۸۹")
            page.check("#persona-form input[name=platform][value=telegram]")
            page.fill("#persona-form input[name=role]", "ساکن محله")
            page.click("#persona-form button[type=submit]")
            expect(page.locator("#as-persona")).to_have_text("گفتگو به‌عنوان نرگس موسوی")
            expect(page.locator("#platform-chip")).to_have_text("تلگرام")
            expect(page.locator("#persona-list li")).to_have_count(len(personas) + 1)

            # /start with Enter: the user's bubble, then the Persian welcome and the language choice.
            page.fill("#input", "/start")
            page.press("#input", "Enter")
            expect(page.locator(".msg.out .text").first).to_have_text("/start")
            expect_bot_text(page, T.get("fa", "start-welcome", name="نرگس"))
            expect_bot_text(page, T.get("fa", "lang-choose"))

            # The inline button: the choice message is edited and the contact request arrives
            # with a reply-keyboard contact button.
            page.locator(".inline-kb button", has_text=T.get("fa", "lang-button-fa")).click()
            expect_bot_text(page, T.get("fa", "lang-set"))
            expect(
                page.locator(".msg.in", has_text=T.get("fa", "lang-set")).locator(".meta")
            ).to_contain_text("ویرایش‌شده")
            expect(page.locator(".inline-kb")).to_have_count(0)
            expect_bot_text(page, T.get("fa", "onboarding-share-contact"))
            contact_button = page.locator(
                "#reply-kb button", has_text=T.get("fa", "onboarding-contact-button")
            )
            expect(contact_button).to_be_visible()

            # The contact button shares the persona's own phone; the bot links it.
            contact_button.click()
            expect(page.locator(".msg.out .card")).to_contain_text("۰۹۱۲۳۴۵۶۷۸۹")
            linked = page.locator(".msg.in .text", has_text="ثبت شد")
            expect(linked).to_have_count(1)
            expect(linked).to_contain_text(T.get("fa", "onboarding-linked", phone="۰۹۱۲۳۴۵۶۷۸۹"))
            # The contact button is gone; the main menu of a registered person replaces it.
            expect(
                page.locator("#reply-kb button", has_text=T.get("fa", "onboarding-contact-button"))
            ).to_have_count(0)
            expect(page.locator("#reply-kb button", has_text=T.get("fa", "menu-help"))).to_be_visible()

            # Persian typography: times in Persian digits, bidi-safe text, user right and bot left.
            times = page.locator(".msg .time").all_text_contents()
            assert times and all(re.fullmatch(r"[۰-۹]{1,2}:[۰-۹]{2}", t) for t in times), times
            style = page.locator(".msg.in .text").first.evaluate(
                "n => [getComputedStyle(n).unicodeBidi, getComputedStyle(n).whiteSpace, n.dir]"
            )
            assert style == ["plaintext", "pre-wrap", "auto"], style
            box = page.locator("#messages").bounding_box()
            mine = page.locator(".msg.out .bubble").first.bounding_box()
            bots = page.locator(".msg.in .bubble").first.bounding_box()
            assert box and mine and bots
            assert box["x"] + box["width"] - (mine["x"] + mine["width"]) < 30, (box, mine)
            assert bots["x"] - box["x"] < 30, (box, bots)

            # Another persona receives something: a badge in Persian digits in the switcher.
            bot_id = get_json(f"{sandbox}/sandbox/config.json")["bots"]["bale"]
            name = other["name"].split()
            post_json(
                f"{sandbox}/_emu/bots/{bot_id}/users/{other['user_id']}/text",
                {"text": "/start", "user": {"first_name": name[0], "last_name": " ".join(name[1:])}},
            )
            badge = page.locator(f'#persona-list li[data-key="{other["key"]}"] .badge')
            expect(badge).to_have_text(re.compile("^[۱-۹][۰-۹]*$"))
            page.screenshot(path=str(ARTIFACTS / "web-chat.png"))

            # Switching to it shows its conversation on Bale and clears the badge.
            page.locator(f'#persona-list li[data-key="{other["key"]}"] .persona').click()
            expect(page.locator("#platform-chip")).to_have_text("بله")
            expect_bot_text(page, T.get("fa", "start-welcome", name=name[0]))
            expect(badge).to_have_count(0)

            # A photo from the file picker and a location from the location sheet.
            page.set_input_files(
                "#photo-input",
                files=[{"name": "street.png", "mimeType": "image/png", "buffer": sample_png()}],
            )
            photo = page.locator(".msg.out img.photo")
            expect(photo).to_have_count(1)
            page.wait_for_function("() => document.querySelector('.msg.out img.photo').naturalWidth === 96")
            page.click("#attach-btn")
            page.click("#location-btn")
            page.click("#location-form button[type=submit]")
            expect(page.locator(".msg.out .card", has_text="موقعیت مکانی")).to_contain_text("۳۵٫۶۸۹۲")

            # Phone size: the persona list becomes a drawer, closed until asked for.
            page.set_viewport_size({"width": 390, "height": 780})
            page.wait_for_timeout(400)  # the drawer's slide-out transition
            expect(page.locator("#people-toggle")).to_be_visible()
            assert page.locator("#people").bounding_box()["x"] >= 390
            page.screenshot(path=str(ARTIFACTS / "web-chat-mobile.png"))
            assert not problems, problems
        finally:
            browser.close()


NEWEST_IN_VIEW = """() => {
  const box = document.querySelector('#messages');
  const all = box.querySelectorAll('.msg');
  if (!all.length) return false;
  const last = all[all.length - 1].getBoundingClientRect();
  const view = box.getBoundingClientRect();
  return last.bottom <= view.bottom + 1 && last.top >= view.top - 1 && last.height > 0;
}"""


def open_phone(browser: Any, sandbox: str) -> tuple[Any, list[str]]:
    """The web chat on a 360×740 phone (Persian, Tehran time); the page, and a list that collects
    its script errors."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="fa-IR",
        timezone_id="Asia/Tehran",
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda msg: problems.append(f"console: {msg.text}") if msg.type == "error" else None)
    page.goto(f"{sandbox}/")
    return page, problems


def newest_in_view(page: Any, step: str) -> None:
    """The newest message is wholly inside the visible part of the chat (waiting out layout)."""
    try:
        page.wait_for_function(NEWEST_IN_VIEW, timeout=5_000)
    except sync_api.TimeoutError:
        page.screenshot(path=str(ARTIFACTS / f"failed-{step}.png"))
        raise AssertionError(f"the newest message is out of view after: {step}") from None


def bot_messages(page: Any) -> int:
    return int(page.locator(".msg.in").count())


def wait_for_more_bot_messages(page: Any, than: int) -> None:
    page.wait_for_function("n => document.querySelectorAll('.msg.in').length > n", arg=than)
    page.wait_for_timeout(600)  # replies come in bursts: let the burst land before judging the view


def test_web_chat_on_a_phone_follows_the_newest_message(sandbox: str) -> None:
    expect = sync_api.expect
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page, problems = open_phone(browser, sandbox)

            # A new resident, from the people drawer.
            page.click("#people-toggle")
            page.click("#new-persona")
            page.fill("#persona-form input[name=name]", "سارا کاظمی")
            page.fill("#persona-form input[name=phone]", "۰۹۱۲۷۷۷۶۶۵۵")
            page.click("#persona-form button[type=submit]")
            expect(page.locator("#as-persona")).to_have_text("گفتگو به‌عنوان سارا کاظمی")

            # 1. /start: the welcome and the language choice with its inline buttons.
            page.fill("#input", "/start")
            page.press("#input", "Enter")
            expect_bot_text(page, T.get("fa", "lang-choose"))
            page.wait_for_timeout(400)
            newest_in_view(page, "start")
            page.screenshot(path=str(ARTIFACTS / "phone-1-start.png"))

            # 2. The language button: the contact request arrives with a reply keyboard, which
            # takes room at the bottom; the newest message must stay above it.
            page.locator(".inline-kb button", has_text=T.get("fa", "lang-button-fa")).click()
            expect_bot_text(page, T.get("fa", "onboarding-share-contact"))
            expect(page.locator("#reply-kb")).to_be_visible()
            newest_in_view(page, "contact keyboard shown")
            page.screenshot(path=str(ARTIFACTS / "phone-2-contact-keyboard.png"))

            # 3. Sharing the contact: the main menu replaces the contact button.
            before = bot_messages(page)
            page.locator("#reply-kb button", has_text=T.get("fa", "onboarding-contact-button")).click()
            wait_for_more_bot_messages(page, before)
            expect(page.locator("#reply-kb button", has_text=T.get("fa", "menu-help"))).to_be_visible()
            newest_in_view(page, "menu keyboard shown")
            page.screenshot(path=str(ARTIFACTS / "phone-3-menu.png"))

            # 4. A text over Telegram's 4,096: a visible note while typing, then it goes out as
            # two messages, as Telegram's apps send it.
            long_text = ("آب کوچهٔ ما از دیروز قطع است و کسی جواب نمی‌دهد. " * 110).strip()
            assert len(long_text) > 4096
            page.fill("#input", long_text)
            note = page.locator("#length-note")
            expect(note).to_be_visible()
            expect(note).to_contain_text("۴٬۰۹۶")
            expect(note).to_contain_text("۲ پیام")
            page.screenshot(path=str(ARTIFACTS / "phone-4-long-text-note.png"))
            sent_before = page.locator(".msg.out").count()
            before = bot_messages(page)
            page.press("#input", "Enter")
            expect(page.locator(".msg.out")).to_have_count(sent_before + 2)
            expect(note).to_be_hidden()
            parts = page.locator(".msg.out .text").all_text_contents()[-2:]
            assert all(len(part) <= 4096 for part in parts), [len(part) for part in parts]
            assert " ".join(parts) == long_text
            wait_for_more_bot_messages(page, before)
            newest_in_view(page, "long text")
            page.screenshot(path=str(ARTIFACTS / "phone-5-long-text-sent.png"))

            # 5. A sticker, from the attachment menu.
            page.click("#attach-btn")
            expect(page.locator("#attach-menu")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "phone-6-attach-menu.png"))
            page.click("#sticker-btn")
            before = bot_messages(page)
            page.click("#sticker-grid button[aria-label='برچسب 👍']")
            expect(page.locator(".msg.out .sticker").last).to_have_text("👍")
            wait_for_more_bot_messages(page, before)
            newest_in_view(page, "sticker")

            # 6. A voice note of 7 seconds.
            page.click("#attach-btn")
            page.click("#voice-btn")
            page.fill("#voice-form input[name=duration]", "۷")
            before = bot_messages(page)
            page.click("#voice-form button[type=submit]")
            voice = page.locator(".msg.out .card.voice").last
            expect(voice).to_contain_text("پیام صوتی")
            expect(voice).to_contain_text("۰:۰۷")
            wait_for_more_bot_messages(page, before)
            newest_in_view(page, "voice note")

            # 7. Someone else's contact, from the phone book.
            page.click("#attach-btn")
            page.click("#contact-btn")
            page.fill("#contact-form input[name=name]", "حسن نوری")
            page.fill("#contact-form input[name=phone]", "09121110099")
            before = bot_messages(page)
            page.click("#contact-form button[type=submit]")
            contact = page.locator(".msg.out .card", has_text="حسن نوری").last
            expect(contact).to_contain_text("۰۹۱۲۱۱۱۰۰۹۹")
            wait_for_more_bot_messages(page, before)
            newest_in_view(page, "someone else's contact")
            page.screenshot(path=str(ARTIFACTS / "phone-7-media.png"))

            # 8. Scrolled up to read, a message from elsewhere (the same person's other device)
            # does not pull the chat down: a ↓ button counts it, and takes you there.
            page.evaluate("() => { document.querySelector('#messages').scrollTop = 0; }")
            expect(page.locator("#jump-down")).to_be_visible()
            bot_id = get_json(f"{sandbox}/sandbox/config.json")["bots"]["telegram"]
            before = bot_messages(page)
            post_json(f"{sandbox}/_emu/bots/{bot_id}/users/989127776655/text", {"text": "/help"})
            wait_for_more_bot_messages(page, before)
            expect(page.locator("#jump-badge")).to_have_text(re.compile("^[۱-۹][۰-۹]*$"))
            page.screenshot(path=str(ARTIFACTS / "phone-8-scrolled-up.png"))
            page.click("#jump-down")
            newest_in_view(page, "jump to the newest")
            expect(page.locator("#jump-down")).to_be_hidden()
            assert not problems, problems
        finally:
            browser.close()


# The screen position of each digit group of the first isolated tracking code (LRI…PDI) in a
# message: a Range over each group, measured as drawn.
CODE_GROUPS = r"""node => {
  const text = node.textContent;
  const m = text.match(/\u2066([۰-۹0-9]+)-([۰-۹0-9]+)-([۰-۹0-9]+)\u2069/);
  if (!m) return null;
  const texts = [];
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
  let pos = 0;
  while (walker.nextNode()) { texts.push([walker.currentNode, pos]); pos += walker.currentNode.length; }
  const at = offset => {
    for (const [n, p] of texts) if (offset <= p + n.length) return [n, offset - p];
    throw new Error('offset beyond the text');
  };
  let start = m.index + 1;
  return [m[1], m[2], m[3]].map(group => {
    const range = document.createRange();
    range.setStart(...at(start));
    range.setEnd(...at(start + group.length));
    start += group.length + 1;
    const box = range.getBoundingClientRect();
    return {group, left: box.left, right: box.right, top: box.top};
  });
}"""


def test_new_resident_types_a_complaint_on_a_phone(sandbox: str) -> None:
    """Issue 13's story at 360×740: a new resident types a complaint straight after sharing their
    contact and gets a tracking code in six taps or messages (four with the neighbourhood's deep
    link); the code reads in its logical order; joining leaves a resident's menu with 📝 and the
    «what next» buttons; a greeting and an unknown command get answers of their own. The newest
    message is in view after every step, and every step leaves a screenshot (story-*.png)."""
    expect = sync_api.expect
    ARTIFACTS.mkdir(exist_ok=True)
    complaint = "سلام، چراغ‌های کوچهٔ ما سه شب است خاموش است"
    lights = T.get("fa", "committee-services")  # street lights: civil works and services
    shots = iter(range(1, 100))

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page, problems = open_phone(browser, sandbox)
            taps: list[str] = []

            def settle(step: str) -> None:
                """After a step: the newest message in view, and a screenshot to look at."""
                newest_in_view(page, step)
                page.screenshot(path=str(ARTIFACTS / f"story-{next(shots):02d}-{step}.png"))

            def say(text: str, step: str, *, counted: bool = True) -> None:
                before = bot_messages(page)
                page.fill("#input", text)
                page.press("#input", "Enter")
                if counted:
                    taps.append(f"typed «{text}»")
                wait_for_more_bot_messages(page, before)
                settle(step)

            def tap(button: Any, step: str, *, counted: bool = True) -> None:
                before = bot_messages(page)
                label = button.text_content()
                button.click()
                if counted:
                    taps.append(f"tapped «{label}»")
                wait_for_more_bot_messages(page, before)
                settle(step)

            def newest_text() -> Any:
                return page.locator(".msg.in .text").last

            def inline(text: str) -> Any:
                return page.locator(".msg.in").last.locator(".inline-kb button", has_text=text)

            def new_resident(name: str, phone: str, platform: str) -> None:
                page.click("#people-toggle")
                page.click("#new-persona")
                page.fill("#persona-form input[name=name]", name)
                page.fill("#persona-form input[name=phone]", phone)
                page.check(f"#persona-form input[name=platform][value={platform}]")
                page.click("#persona-form button[type=submit]")
                expect(page.locator("#as-persona")).to_have_text(f"گفتگو به‌عنوان {name}")

            def resident_menu() -> None:
                """The reply keyboard of a resident: 📝 first, at most six buttons in three rows."""
                rows = page.locator("#reply-kb .row")
                expect(rows.first.locator("button").first).to_have_text(T.get("fa", "menu-request"))
                buttons = page.locator("#reply-kb button").all_text_contents()
                assert rows.count() <= 3 and len(buttons) <= 6, buttons
                assert T.get("fa", "menu-my-requests") in buttons, buttons

            def tracking_code() -> str:
                """The code in the newest message, checked to be drawn left to right, group by group:
                what a reader sees is what they would type to /track."""
                message = newest_text()
                groups = message.evaluate(CODE_GROUPS)
                assert groups, message.text_content()
                assert len({round(g["top"]) for g in groups}) == 1, groups  # on one line
                first, second, third = groups
                assert first["right"] <= second["left"] + 1 and second["right"] <= third["left"] + 1, groups
                code = "-".join(g["group"] for g in groups)
                assert re.fullmatch("[۰-۹]{3}-[۰-۹]{3}-[۰-۹]{3}", code), code
                return code

            # --- A new resident, from /start to a tracking code, by typing the complaint.
            new_resident("سارا کاظمی", "۰۹۱۲۷۷۷۶۶۵۵", "telegram")
            say("/start", "start", counted=False)
            expect_bot_text(page, T.get("fa", "lang-choose"))
            tap(inline(T.get("fa", "lang-button-fa")), "contact-asked", counted=False)
            expect_bot_text(page, T.get("fa", "onboarding-share-contact"))
            contact = page.locator("#reply-kb button", has_text=T.get("fa", "onboarding-contact-button"))
            tap(contact, "contact-shared", counted=False)
            expect(newest_text()).to_contain_text(T.get("fa", "onboarding-linked", phone="۰۹۱۲۷۷۷۶۶۵۵"))

            # From here every message or tap counts.
            say(complaint, "complaint-kept")
            expect(newest_text()).to_have_text(
                T.get("fa", "talk-kept", text=complaint) + "\n" + T.get("fa", "talk-join-first")
            )
            say("دولت آباد", "neighbourhood-matches")
            expect_bot_text(page, T.get("fa", "join-pick"))
            tap(inline("دولت‌آباد"), "joined-and-proposed")
            expect_bot_text(page, T.get("fa", "join-done", name="دولت‌آباد"))
            expect_bot_text(page, T.get("fa", "talk-understood", text=complaint))
            resident_menu()
            expect(newest_text()).to_have_text(T.get("fa", "request-propose-committee", committee=lights))
            tap(inline(T.get("fa", "request-button-yes-committee")), "extras-asked")
            expect(newest_text()).to_contain_text(T.get("fa", "request-ask-extras", max=5))
            tap(inline(T.get("fa", "request-button-next")), "privacy-asked")
            expect_bot_text(page, T.get("fa", "request-ask-privacy"))
            tap(inline(T.get("fa", "request-button-public")), "tracking-code")
            code = tracking_code()
            expect(newest_text()).to_contain_text(
                T.get("fa", "request-submitted", committee=lights, code=code).splitlines()[0]
            )
            page.locator(".msg.in .bubble").last.screenshot(path=str(ARTIFACTS / "story-code-bubble.png"))
            print(f"\nfrom the contact to the tracking code {code}: {len(taps)} steps: " + "; ".join(taps))
            assert len(taps) <= 6, taps

            # A greeting alone: a greeting back with the next steps as buttons.
            say("سلام", "hello")
            expect(newest_text()).to_have_text(T.get("fa", "talk-hello"))
            nexts = page.locator(".msg.in").last.locator(".inline-kb button")
            expect(nexts).to_have_count(2)
            assert [b.get_attribute("data-callback") for b in nexts.all()] == ["nx:request", "nx:mine"]

            # An unknown command: an answer of its own, pointing to /help.
            say("/foo", "unknown-command")
            expect(newest_text()).to_have_text(T.get("fa", "error-unknown-command", command="/foo"))

            # --- Another new resident, on Bale, who came by the neighbourhood's link.
            taps.clear()
            new_resident("مینا رستمی", "۰۹۱۲۸۸۸۵۵۴۴", "bale")
            say("/start n_1001", "link-start", counted=False)
            tap(inline(T.get("fa", "lang-button-fa")), "link-contact-asked", counted=False)
            contact = page.locator("#reply-kb button", has_text=T.get("fa", "onboarding-contact-button"))
            tap(contact, "link-joined", counted=False)
            expect_bot_text(page, T.get("fa", "join-done", name="دولت‌آباد"))
            resident_menu()
            expect(newest_text()).to_have_text(T.get("fa", "talk-what-next"))
            nexts = page.locator(".msg.in").last.locator(".inline-kb button")
            assert [b.get_attribute("data-callback") for b in nexts.all()] == ["nx:request", "nx:mine"]
            say("آب کوچهٔ ما از دیروز صبح قطع است", "link-complaint")
            tap(inline(T.get("fa", "request-button-yes-committee")), "link-extras-asked")
            tap(inline(T.get("fa", "request-button-next")), "link-privacy-asked")
            tap(inline(T.get("fa", "request-button-public")), "link-tracking-code")
            code = tracking_code()
            expect(newest_text()).to_contain_text(
                T.get("fa", "request-submitted", committee="", code=code).splitlines()[1]
            )
            print(f"with the neighbourhood's link, to {code}: {len(taps)} steps: " + "; ".join(taps))
            assert len(taps) <= 4, taps
            assert not problems, problems
        finally:
            browser.close()
