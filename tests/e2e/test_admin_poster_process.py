"""Issue 4's chat tools through the real process and the emulator: the administrator imports the
regions by sending the CSV as a document (a real getFile and download), and a manager on Bale
asks for the joining poster and receives a photo whose QR code is the Bale deep link."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from bot.settings import PROJECT_ROOT
from emulator import BotAPIEmulator
from services.i18n import Translator
from tests.e2e.conftest import BALE_BOT, TELEGRAM_BOT, BotProcess
from tests.e2e.test_bot_process import register_bots
from tests.e2e.test_council_process import cli, onboard, say, until

pytestmark = pytest.mark.e2e

T = Translator()
ADMIN_PHONE = "09120000001"  # ADMIN_PHONES of the e2e environment
MANAGER_PHONE = "09120000041"


async def test_regions_by_document_then_a_poster_on_bale(
    emulator: BotAPIEmulator, bot_process: BotProcess
) -> None:
    register_bots(emulator)
    await bot_process.start()

    admin = 91
    answer = await onboard(emulator, TELEGRAM_BOT, admin, "مدیر سامانه", ADMIN_PHONE)
    assert T.get("fa", "role-admin") in answer
    await say(emulator, TELEGRAM_BOT, admin, "/import_regions", "province,county,neighbourhood,code,kind")
    mark = emulator.last_message_id(TELEGRAM_BOT, admin)
    csv = (PROJECT_ROOT / "data" / "sample_regions.csv").read_bytes()
    await emulator.send_document(TELEGRAM_BOT, emulator.user(admin), csv, file_name="sample_regions.csv")
    done = T.get(
        "fa", "admin-import-done", rows=7, provinces=1, counties=4, created=7, updated=0, unchanged=0
    )
    await emulator.wait_for_message(TELEGRAM_BOT, admin, done, after=mark)

    granted = cli(bot_process, "grant", MANAGER_PHONE, "manager", "--neighbourhood", "1001")
    assert granted.returncode == 0, granted.stdout + granted.stderr
    manager = 92
    answer = await onboard(emulator, BALE_BOT, manager, "مدیر", MANAGER_PHONE)
    assert T.get("fa", "role-manager") in answer
    await emulator.send_text(BALE_BOT, emulator.user(manager), "/poster")
    sent = await until(
        lambda: [m for m in emulator.sent_messages(BALE_BOT, manager) if m.get("photo")], timeout=20
    )
    photo = emulator.files[sent[-1]["photo"][-1]["file_id"]].data
    link = "https://ble.ir/mahalleyar_bot?start=n_1001"
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(photo)))] == [link]
    assert link in sent[-1].get("caption", "")
