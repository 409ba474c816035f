"""The public page `/verify/<token>` on the bot's web app: what a phone's camera opens from an ID
card's QR code. A small right-to-left page in the deployment's default language that says valid,
expired, revoked or invalid, with the holder's name, role and place — never their phone.

Served beside the webhooks (`run_webhook`), when polling beside /healthz and /metrics on
OPS_HOST:OPS_PORT (`bot.ops.serve_ops`), and in the sandbox on the emulator's address; a reverse
proxy makes it public at PUBLIC_BASE_URL."""

from __future__ import annotations

import html
import logging

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from services.clock import Clock, utc_now
from services.credentials import Verdict, Verification, verify_card
from services.i18n import BoundTranslator, Translator
from services.jalali import format_jalali_date, tehran_today

log = logging.getLogger(__name__)

ROUTE = "/verify/{token}"
COLOURS = {
    Verdict.VALID: "#1b7a54",
    Verdict.EXPIRED: "#b26a00",
    Verdict.REVOKED: "#b00020",
    Verdict.INVALID: "#b00020",
}
MARKS = {Verdict.VALID: "✅", Verdict.EXPIRED: "⌛", Verdict.REVOKED: "⛔", Verdict.INVALID: "❌"}
PAGE = """<!doctype html>
<html lang="{lang}" dir="{dir}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{title}</title>
<style>
body {{ font-family: Vazirmatn, Tahoma, sans-serif; margin: 0; background: #f4f7f6; color: #212529; }}
main {{ max-width: 32rem; margin: 2rem auto; background: #fff; border-radius: 12px; padding: 1.5rem;
  box-shadow: 0 1px 4px rgba(0,0,0,.12); }}
h1 {{ font-size: 1.4rem; color: {colour}; margin: 0 0 1rem; }}
th {{ text-align: start; color: #5f6368; font-weight: normal; padding: .3rem .6rem .3rem 0; }}
td {{ padding: .3rem 0; font-weight: bold; }}
</style></head>
<body><main><h1>{mark} {verdict}</h1>{details}</main></body></html>
"""


def render_page(t: BoundTranslator, result: Verification) -> str:
    """The page's HTML; every value escaped."""
    rtl = t.locale == "fa"
    if result.verdict is Verdict.INVALID or result.role is None:
        details = f"<p>{html.escape(t('verify-page-invalid-note'))}</p>"
    else:
        place = t(
            "verify-page-place-value", neighbourhood=result.neighbourhood or "—", county=result.county or "—"
        )
        expires = format_jalali_date(result.expires_on, t.locale) if result.expires_on else "—"
        rows = [
            (t("verify-page-name"), result.name or "—"),
            (t("verify-page-role"), t(f"role-{result.role.value}")),
            (t("verify-page-place"), place),
            (t("verify-page-number"), result.number or "—"),
            (t("verify-page-expires"), expires),
        ]
        cells = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
        details = f"<table>{cells}</table>"
    return PAGE.format(
        lang=t.locale,
        dir="rtl" if rtl else "ltr",
        title=html.escape(t("verify-page-title")),
        colour=COLOURS[result.verdict],
        mark=MARKS[result.verdict],
        verdict=html.escape(t(f"verify-page-{result.verdict.value}")),
        details=details,
    )


def add_verify_route(
    app: web.Application,
    session_factory: async_sessionmaker[AsyncSession],
    settings: Settings,
    clock: Clock = utc_now,
) -> None:
    """Serve `/verify/<token>` on `app`."""
    translator = Translator(default_locale=settings.default_locale)
    secret = settings.credential_policy().secret

    async def page(request: web.Request) -> web.Response:
        token = request.match_info.get("token", "")
        async with session_factory() as session:
            result = await verify_card(session, token, secret=secret, today=tehran_today(clock()))
        body = render_page(translator.bind(translator.default_locale), result)
        return web.Response(
            text=body,
            content_type="text/html",
            charset="utf-8",
            headers={
                "Cache-Control": "no-store",
                "Referrer-Policy": "no-referrer",
                "X-Robots-Tag": "noindex",
            },
        )

    app.router.add_get(ROUTE, page)
