"""/performance through the real Dispatcher: a county official picks the period and gets the text
summary, the chart (a PNG photo) and the workbook (an xlsx document); a province official picks the
province or a county first; a manager gets their neighbourhood's; a resident nobody's."""

from __future__ import annotations

import importlib.util
import io
from typing import Any

from aiogram.methods import SendDocument, SendPhoto
from aiogram.types import BufferedInputFile

from models import Role, ScopeKind
from services.reports.files import png_height
from tests.handlers.conftest import Harness, resident
from tests.handlers.test_council import onboard
from tests.handlers.test_join import last_buttons
from tests.handlers.test_liaisons import county_official, manager_of_1002, official, regions

RENDERERS = all(importlib.util.find_spec(f"services.{name}") for name in ("charts", "workbook"))


def fa(harness: Harness, key: str, **args: object) -> str:
    return harness.translator.get("fa", key, **args)


def payload(method: Any) -> bytes:
    sent = method.photo if isinstance(method, SendPhoto) else method.document
    assert isinstance(sent, BufferedInputFile)
    return sent.data


async def test_a_county_official_gets_text_chart_and_workbook(harness: Harness) -> None:
    ids = await regions(harness)
    user = await county_official(harness)
    await harness.send(harness.updates.message(user, text="/performance"))
    assert harness.last_text() == fa(harness, "perf-pick-period")
    buttons = last_buttons(harness)
    assert [text for text, _ in buttons] == [
        fa(harness, f"perf-period-{name}") for name in ("this-month", "last-month", "this-year")
    ]
    assert buttons[1][1] == f"pf_per:county:{ids['ری']}:last_month"
    before = len(harness.tg_session.requests)
    await harness.send(harness.updates.callback(user, buttons[1][1]))
    sent = harness.tg_session.requests[before:]
    texts = [m.text for m in sent if hasattr(m, "text") and isinstance(getattr(m, "text", None), str)]
    assert any(text.startswith("📊 گزارش عملکرد شهرستان «ری»") for text in texts)
    assert any("دولت‌آباد (۱۰۰۱)" in text for text in texts)
    if not RENDERERS:
        return
    photos = [m for m in sent if isinstance(m, SendPhoto)]
    documents = [m for m in sent if isinstance(m, SendDocument)]
    assert len(photos) == 1 and len(documents) == 1
    png = payload(photos[0])
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and 0 < png_height(png) <= 1280
    import openpyxl

    xlsx = payload(documents[0])
    assert documents[0].document.filename.endswith(".xlsx")  # type: ignore[union-attr]
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert book.worksheets[0].sheet_view.rightToLeft


async def test_a_province_official_picks_the_province_or_a_county(harness: Harness) -> None:
    ids = await regions(harness)
    user = await official(harness, 530, "09120000530", Role.PROVINCE_OFFICIAL, ScopeKind.PROVINCE, "تهران")
    await harness.send(harness.updates.message(user, text="/performance"))
    assert harness.last_text() == fa(harness, "perf-pick-place")
    places = last_buttons(harness)
    assert places[0] == (fa(harness, "perf-place-province", name="تهران"), f"pf_plc:province:{ids['تهران']}")
    assert (fa(harness, "perf-place-county", name="ورامین"), f"pf_plc:county:{ids['ورامین']}") in places
    await harness.send(harness.updates.callback(user, places[0][1]))
    assert last_buttons(harness)[0][1] == f"pf_per:province:{ids['تهران']}:this_month"
    await harness.send(harness.updates.callback(user, f"pf_per:province:{ids['تهران']}:this_year"))
    assert any(t.startswith("📊 گزارش عملکرد استان «تهران»") for t in harness.tg_session.sent_texts())
    # Another province's report, forged, is refused.
    await harness.send(harness.updates.callback(user, f"pf_per:province:{ids['کرمانشاه']}:this_year"))
    assert harness.last_text() == fa(harness, "report-not-allowed")


async def test_a_manager_gets_their_neighbourhood_and_a_resident_nothing(harness: Harness) -> None:
    await regions(harness)
    boss = await manager_of_1002(harness)
    await harness.send(harness.updates.message(boss, text="/performance"))
    assert harness.last_text() == fa(harness, "perf-pick-period")
    data = last_buttons(harness)[0][1]
    assert data.startswith("pf_per:neighbourhood:")
    await harness.send(harness.updates.callback(boss, data))
    assert any(t.startswith("📊 گزارش عملکرد محلهٔ «کوی فردوس»") for t in harness.tg_session.sent_texts())
    neighbour = resident(user_id=610)
    await onboard(harness, neighbour, "09125550000")
    await harness.send(harness.updates.message(neighbour, text="/performance"))
    assert harness.last_text() == fa(harness, "perf-chat-not-allowed")
    await harness.send(harness.updates.callback(neighbour, data))
    assert harness.last_text() == fa(harness, "report-not-allowed")


async def test_a_chart_too_tall_for_a_photo_goes_as_a_document(harness: Harness, monkeypatch: Any) -> None:
    if not RENDERERS:
        return
    ids = await regions(harness)
    user = await county_official(harness)
    monkeypatch.setattr("handlers.report_performance.PHOTO_MAX_HEIGHT", 10)
    before = len(harness.tg_session.requests)
    await harness.send(harness.updates.callback(user, f"pf_per:county:{ids['ری']}:this_month"))
    sent = harness.tg_session.requests[before:]
    assert not any(isinstance(m, SendPhoto) for m in sent)
    documents = [payload(m) for m in sent if isinstance(m, SendDocument)]
    assert len(documents) == 2 and documents[0].startswith(b"\x89PNG")


async def test_a_forged_level_is_a_stale_button_not_an_error(harness: Harness) -> None:
    # Found by the fuzz test: `pf_plc:<anything>:…` used to reach ReportLevel(...) and apologise.
    for data in ("pf_plc:Yأlةt:1", "pf_per:nowhere:1:this_month"):
        await harness.send(harness.updates.callback(resident(), data))
    assert harness.translator.get("fa", "error-generic") not in harness.tg_session.sent_texts()
