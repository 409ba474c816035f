"""Settings come from the environment; `.env.example` documents every one of them."""

from __future__ import annotations

import re

import pytest

from bot.settings import PROJECT_ROOT, Settings


def test_env_example_documents_every_setting() -> None:
    text = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))
    assert documented == {name.upper() for name in Settings.model_fields}


def test_admin_phones_and_empty_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_PHONES", "09121234567, +989350000000")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    monkeypatch.setenv("BALE_BOT_TOKEN", "42:bale")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.admin_phones == ["09121234567", "+989350000000"]
    assert settings.telegram_bot_token is None
    assert settings.has_tokens
    assert settings.timezone == "Asia/Tehran" and settings.default_locale == "fa"


def test_no_tokens_means_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.delenv("BALE_BOT_TOKEN", raising=False)
    assert not Settings(_env_file=None).has_tokens  # type: ignore[call-arg]
