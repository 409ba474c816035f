"""A local stand-in for Kavenegar's SMS API, for the tests and the sandbox.

It answers `GET|POST /v1/{API-KEY}/sms/send.json` the way Kavenegar does (the HTTP status equal to
`return.status`; `{"return": {...}, "entries": [...]}`), records every message it accepts, checks
the API key, the receptor and the length, and can be told to fail: the next N calls answer a given
Kavenegar status (`fail_next(418)`, `fail_next(451)`, `fail_next(502)`…), an HTML 502 page like a
broken proxy (`break_next()`), or answer only after a delay (`delay_next(2.0)`, for timeouts).
`GET /_fake/messages` lists what it accepted (for a person watching the sandbox).

`python -m emulator.sms_fake [--port 9090] [--api-key KEY]` runs it alone.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import re
import socket
import time
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

from aiohttp import web

DEFAULT_API_KEY = "kavenegar-test-key"

# Kavenegar's own wording for the statuses the fake produces by itself or is told to.
STATUS_TEXT = {
    200: "تایید شد",
    400: "پارامترها ناقص هستند",
    403: "کد شناسائی API-Key معتبر نمیباشد",
    409: "سرور قادر به پاسخگوئی نیست بعدا تلاش کنید",
    411: "دریافت کننده نامعتبر است",
    412: "ارسال کننده نامعتبر است",
    413: "پیام خالی است و یا طول پیام بیش از حد مجاز میباشد",
    418: "اعتبار شما کافی نمیباشد",
    422: "داده ها به دلیل وجود کاراکتر نامناسب قابل پردازش نیست",
    429: "IP محدود شده است",
    451: "فراخوانی بیش از حد در بازه زمانی مشخص IP محدود شده",
}
MAX_MESSAGE_CHARS = 900
_RECEPTOR = re.compile(r"^(0|98|0098)?9\d{9}$|^00\d{8,15}$")


@dataclass(frozen=True)
class FakeSms:
    """A message the fake accepted."""

    messageid: int
    receptor: str
    message: str
    sender: str | None
    at: float


@dataclass(frozen=True)
class _Fault:
    status: int
    html: bool = False
    delay: float = 0.0


class KavenegarFake:
    """The fake's state; `app()` serves it."""

    def __init__(self, api_key: str = DEFAULT_API_KEY) -> None:
        self.api_key = api_key
        self.messages: list[FakeSms] = []
        self.calls = 0
        self._faults: deque[_Fault] = deque()
        self._ids = itertools.count(8792343)
        self.base_url = ""

    # -- test controls --

    def fail_next(self, status: int, times: int = 1) -> None:
        """The next `times` calls answer Kavenegar status `status` (its HTTP status too)."""
        self._faults.extend(_Fault(status) for _ in range(times))

    def break_next(self, times: int = 1) -> None:
        """The next `times` calls answer an HTML 502 page, as a broken proxy would."""
        self._faults.extend(_Fault(502, html=True) for _ in range(times))

    def delay_next(self, seconds: float, times: int = 1) -> None:
        """The next `times` calls answer (normally) only after `seconds`."""
        self._faults.extend(_Fault(200, delay=seconds) for _ in range(times))

    def sent_to(self, receptor: str) -> list[FakeSms]:
        return [m for m in self.messages if m.receptor == receptor]

    # -- the API --

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/v1/{api_key}/sms/send.json", self._send)
        app.router.add_get("/_fake/messages", self._list)
        return app

    @staticmethod
    def _reply(status: int, entries: list[dict[str, Any]] | None = None) -> web.Response:
        body = {"return": {"status": status, "message": STATUS_TEXT.get(status, "")}, "entries": entries}
        return web.json_response(body, status=status)

    async def _send(self, request: web.Request) -> web.Response:
        if request.method not in ("GET", "POST"):
            return self._reply(405)
        self.calls += 1
        params: dict[str, str] = dict(request.query)
        if request.method == "POST":
            params.update({k: str(v) for k, v in (await request.post()).items()})
        if self._faults:
            fault = self._faults.popleft()
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.html:
                return web.Response(status=502, text="<html><body>502 Bad Gateway</body></html>")
            if fault.status != 200:
                return self._reply(fault.status)
        if request.match_info["api_key"] != self.api_key:
            return self._reply(403)
        receptor, message = params.get("receptor", "").strip(), params.get("message", "")
        if not receptor or not message.strip():
            return self._reply(400 if not receptor else 413)
        if not _RECEPTOR.fullmatch(receptor):
            return self._reply(411)
        if len(message) > MAX_MESSAGE_CHARS:
            return self._reply(413)
        sms = FakeSms(next(self._ids), receptor, message, params.get("sender") or None, time.time())
        self.messages.append(sms)
        entry = {
            "messageid": sms.messageid,
            "message": sms.message,
            "status": 1,
            "statustext": "در صف ارسال",
            "sender": sms.sender or "10004346",
            "receptor": sms.receptor,
            "date": int(sms.at),
            "cost": 120 * (1 + len(message) // 70),
        }
        return self._reply(200, [entry])

    async def _list(self, request: web.Request) -> web.Response:
        return web.json_response([asdict(m) for m in self.messages])


async def start_sms_fake(
    api_key: str = DEFAULT_API_KEY, host: str = "127.0.0.1", port: int = 0
) -> tuple[KavenegarFake, web.AppRunner, str]:
    """Serve a fake on `host:port` (0: any free port); the fake, its runner (clean up with
    `await runner.cleanup()`) and its base URL, to use as SMS_API_BASE."""
    fake = KavenegarFake(api_key)
    runner = web.AppRunner(fake.app(), shutdown_timeout=1.0, access_log=None)
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.setblocking(False)
    await web.SockSite(runner, sock).start()
    fake.base_url = f"http://{host}:{sock.getsockname()[1]}"
    return fake, runner, fake.base_url


def main() -> None:
    parser = argparse.ArgumentParser(description="A local fake of Kavenegar's SMS API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9090)
    parser.add_argument("--api-key", default=DEFAULT_API_KEY)
    args = parser.parse_args()
    web.run_app(KavenegarFake(args.api_key).app(), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
