"""services.finglish: Persian typed in Latin letters is put in Persian script before routing, a
Persian message keeps its English words, and hostile Latin input never starts the converter's
exponential search. None of these texts is from the blind set."""

from __future__ import annotations

import pytest

from services import finglish
from services.emergency_detection import assess, matcher_tokens
from services.finglish import MAX_WORDS, to_persian_script
from services.persian import normalise_for_routing


@pytest.mark.parametrize(
    ("latin", "persian"),
    [
        ("atish gerefte bia zood", "آتیش گرفته بیا زود"),
        ("boye gaz miad", "بوی گاز میاد"),
        ("SEIL OMAD", "سیل اومد"),
        ("bache nafas nemikeshe", "بچه نفس نمیکشه"),
        ("FIRE FIRE help", "آتش آتش کمک"),
    ],
)
def test_finglish_is_put_in_persian_script(latin: str, persian: str) -> None:
    assert to_persian_script(latin) == persian


@pytest.mark.parametrize(
    "text",
    [
        "آلارم fire alarm ساختمون خرابه",  # fewer Latin words than Persian ones
        "آلارم fire alarm ساختمون",  # as many: still a Persian message
        "wifi کتابخونه قطعه",
        "پلاک 12 کوچه 3",
        "salam",  # one Latin word is not a message in Finglish
        "",
    ],
)
def test_persian_and_short_latin_stay_as_they_are(text: str) -> None:
    assert to_persian_script(text) == text


def test_finglish_alarms_are_emergencies() -> None:
    assert assess("boye gaz kole rahro ro gerefte").emergency
    assert assess("atish gerefte bia kuche 5 pelak 14").emergency
    assert not assess("salam baraye vam chi kar konam").emergency


def test_a_finglish_message_is_converted_whole_not_sentence_by_sentence() -> None:
    # «bia!» alone is one Latin word, but it belongs to a message in Finglish.
    assert matcher_tokens("atish gerefte! bia!")[0][-1] == "بیا"


def test_hostile_latin_words_are_left_alone() -> None:
    # «sasasasasa» has 1.6 million spellings: never searched, kept as typed.
    assert to_persian_script("sasasasasa sasasasasasasa aeiouaeiou") == "sasasasasa sasasasasasasa aeiouaeiou"
    # At most MAX_WORDS words of one message are converted.
    words = ["bache"] * (MAX_WORDS + 5)
    converted = to_persian_script(" ".join(words)).split()
    assert converted[:MAX_WORDS] == ["بچه"] * MAX_WORDS
    assert converted[MAX_WORDS:] == ["bache"] * 5


def test_spellings_are_counted_without_searching() -> None:
    converter = finglish._converter()
    assert finglish._spellings(converter, "atish") < 100
    assert finglish._spellings(converter, "sasasasasa") > finglish.MAX_SPELLINGS


def test_emojis_that_carry_meaning_become_words() -> None:
    assert normalise_for_routing("🔥🔥 پلاک ۹ 🔥", emojis=True) == "emojifire emojifire پلاک 9 emojifire"
    assert normalise_for_routing("سلام 😊", emojis=True) == "سلام"
    # The models do not see them.
    assert normalise_for_routing("🔥🔥 پلاک ۹ 🔥") == "پلاک 9"
    # A fire emoji beside an address is a fire; as praise it is not.
    assert assess("🔥🔥 پلاک ۹ 🔥").emergency
    assert assess("🔥🔥 انبار لاستیک بغل خونمون").emergency
    assert not assess("وام گرفتم 🔥🔥").emergency
    assert not assess("گوشت و مرغ آتیشه 🔥 سبد کالا کی میدین").emergency
