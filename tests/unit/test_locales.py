"""The fa and en catalogs must have the same keys and the same placeholders in each message."""

from __future__ import annotations

from pathlib import Path

import pytest
from fluent.syntax import FluentParser, ast
from fluent.syntax.visitor import Visitor

from services.i18n import LOCALES_DIR, SUPPORTED_LOCALES, Translator, resolve_locale


def _variables(node: object) -> set[str]:
    found: set[str] = set()

    class Collector(Visitor):
        def visit_VariableReference(self, variable: ast.VariableReference) -> None:
            found.add(variable.id.name)

    Collector().visit(node)  # type: ignore[arg-type]
    return found


def catalog(locale: str, locales_dir: Path = LOCALES_DIR) -> dict[str, set[str]]:
    messages: dict[str, set[str]] = {}
    parser = FluentParser()
    for path in sorted((locales_dir / locale).glob("*.ftl")):
        resource = parser.parse(path.read_text(encoding="utf-8"))
        for entry in resource.body:
            assert not isinstance(entry, ast.Junk), f"{path}: unparsable entry {entry.content!r}"
            if isinstance(entry, ast.Message):
                assert entry.id.name not in messages, f"{path}: duplicate key {entry.id.name}"
                messages[entry.id.name] = _variables(entry)
    return messages


def test_catalogs_have_the_same_keys_and_placeholders() -> None:
    fa, en = catalog("fa"), catalog("en")
    assert fa, "the fa catalog is empty"
    assert sorted(set(fa) - set(en)) == [], "keys only in fa"
    assert sorted(set(en) - set(fa)) == [], "keys only in en"
    mismatched = {key: (fa[key], en[key]) for key in fa if fa[key] != en[key]}
    assert mismatched == {}, "placeholders differ between fa and en"


def test_the_parity_check_notices_a_missing_key(tmp_path: Path) -> None:
    for locale, text in (("fa", "a = x\nb = y {$n}\n"), ("en", "a = x\nb = y\n")):
        (tmp_path / locale).mkdir()
        (tmp_path / locale / "main.ftl").write_text(text, encoding="utf-8")
    assert catalog("fa", tmp_path)["b"] == {"n"} != catalog("en", tmp_path)["b"]


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_message_renders_without_errors(locale: str) -> None:
    translator = Translator()
    for key, variables in catalog(locale).items():
        text = translator.get(locale, key, **{name: "1" for name in variables})
        assert text and text != key


def test_persian_gets_persian_digits_but_links_stay_intact() -> None:
    translator = Translator()
    assert "۰۹۱۲۳۴۵۶۷۸۹" in translator.get("fa", "onboarding-linked", phone="09123456789")
    assert "09123456789" in translator.get("en", "onboarding-linked", phone="09123456789")
    assert "۴۲" in translator.get("fa", "error-text-too-long", length=42, limit="4096")
    link = "https://t.me/mahalleyar_bot?start=i_Ab12"
    text = translator.get("fa", "invite-created", name="x", expires="y", link=link, resident_link=link)
    assert text.count(link) == 2


@pytest.mark.parametrize(
    ("stored", "language_code", "expected"),
    [("en", "fa", "en"), (None, "en-GB", "en"), (None, "de", "fa"), (None, None, "fa"), ("xx", "en", "en")],
)
def test_locale_resolution(stored: str | None, language_code: str | None, expected: str) -> None:
    assert resolve_locale(stored, language_code) == expected


def test_lists_are_joined_the_way_each_language_writes_them() -> None:
    translator = Translator()
    assert translator.bind("fa").join(["الف", "ب"]) == "الف، ب"
    assert translator.bind("en").join(["a", "b"]) == "a, b"


# -- parsed catalogs kept between starts -------------------------------------------------------


def test_parsed_catalogs_are_kept_between_starts_and_a_broken_one_is_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from services import i18n

    i18n._parsed.cache_clear()  # as a new process would
    first = Translator(cache_dir=tmp_path)
    stored = sorted(tmp_path.glob("*.ftl.pickle"))
    files = len(list((i18n.LOCALES_DIR / "fa").glob("*.ftl"))) + len(
        list((i18n.LOCALES_DIR / "en").glob("*.ftl"))
    )
    assert len(stored) == files
    stored[0].write_bytes(b"not a pickle")  # truncated, or written by another version
    i18n._parsed.cache_clear()
    second = Translator(cache_dir=tmp_path)
    for locale in ("fa", "en"):
        assert second.get(locale, "help-text") == first.get(locale, "help-text")
    assert stored[0].read_bytes() != b"not a pickle"  # parsed again and stored whole

    def no_parsing(text: str) -> None:
        raise AssertionError("parsed although a whole pickle was on disk")

    i18n._parsed.cache_clear()
    monkeypatch.setattr(i18n, "FluentResource", no_parsing)
    third = Translator(cache_dir=tmp_path)  # every catalog from its pickle
    assert third.get("fa", "help-text") == first.get("fa", "help-text")
    i18n._parsed.cache_clear()
