"""services.emergency_detection: emergencies recognised by meaning (concepts near each other, in any
order, with fillers, misspellings and any ZWNJ), near-misses kept routine, outages made urgent, and
handlers' corrections. None of these texts is from the blind set."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from services.emergency_detection import (
    EMERGENCY_LEXICON_PATH,
    MIN_WORDS_TO_SILENCE,
    EmergencyDetector,
    EmergencyLexicon,
    assess,
    matcher_tokens,
)
from services.routing_data import load_examples

ZWNJ = "\u200c"

# The three requests of issue 12 that the old router missed.
ISSUE_GAS = "بوی شدید گاز در کل کوچه پیچیده"
ISSUE_RIVER = "آب رودخانه بالا آمده و پل محله در خطر شکستن است"
ISSUE_COLD = "برق کل محله از دیروز در این سرما قطع است و سالمندان …"

EMERGENCIES = [
    "یه بوی بدی مثل گاز از آشپزخونه همسایه میاد کسی در رو باز نمیکنه",
    "بویِ گازِ خیلی خیلی زیاااد تو پارکینگ",  # diacritics, stretched letters
    f"نشتی گاز داریم از لوله{ZWNJ}ی پشت{ZWNJ}بوم صدای فس{ZWNJ}فس میاد",
    "آتيش‌سوزي تو انبار لاستيك پشت كوچه",  # Arabic yeh and kaf
    "آب تا زیر پنجره اومده همه ی وسایل زیر آبه بیاین",
    f"دیوار{ZWNJ}{ZWNJ} ساختمون روبرو داره میریزه روی پیاده رو",  # an extra ZWNJ
    "سقف خونه مادربزرگم فرو ریخت",
    "همسایه زیر آوار مونده صداش میاد",
    f"زلزله{ZWNJ}ی شدیدی اومد همه{ZWNJ} جا لرزید",
    "سیم برق پاره شده آویزونه جلوی مدرسه",
    "پسرم رو برق گرفت تکون نمیخوره",
    "یه پیرمرد تو کوچه افتاده بیهوشه نفس نمیکشه",
    "سیلااااب راه افتاده سمت ده",
    "از موتورخونه ی مدرسه دود سیاه بیرون میاد",
    "بوی گاذ تو کلاس پیچیده بچه ها سرگیجه گرفتن",  # ذ for ز; a classroom is not a class
    "آتیش افتاده تو نیزار کنار روستا داره میاد سمت خونه ها",
    "آشغالا رو آتیش زدن و آتیش داره به درختای پارک سرایت میکنه",  # burning rubbish, spreading
]

NEAR_MISSES = [
    "کلاس آموزش اطفای حریق برای بانوان محله بذارید",
    "سلام، آب کوچه ما از دیروز قطع شده و هیچکس جواب نمیده",  # nobody at the office answers
    "مانور زلزله مدرسه کی برگزار میشه",
    "کپسول آتش‌نشانی پارک خالی است",
    "آشغال‌ها را آتش می‌زنند",
    "بوی گاز نمیاد ولی فشار گاز خیلی کمه",
    "قبض گاز این ماه خیلی زیاد اومده",
    "اگه زلزله بیاد مدرسه بچه‌ها مقاوم نیست",
    "خسارت سیل پارسال هنوز پرداخت نشده",
    "شیر آتش‌نشانی سر کوچه خرابه",
    "سگ همسایه بچه‌مو گاز گرفت",
    "آتش‌بازی عروسی همسایه تا نصفه شب ادامه داشت",
    "دود کارخونه آجرپزی نفس آدمو میگیره",
    "لوله آب جلوی خونه ترکیده آب هدر میره",
    "کلینیک ترک اعتیاد محل نوبت نمیده",
    "آب از سقف خونه چکه میکنه",
    "زباله های پارک رو هر شب آتیش میزنن دودش میرسه به خونه ها",
]


# Issue 12, second round: more hazards, rural and colloquial, long and short; none is a row of the
# dev set (data/routing/emergency_dev.csv) nor of the blind set.
MORE_EMERGENCIES = [
    "سلام خسته نباشید یه سوال داشتم راجع به وام، راستی الان از زیرزمین مجتمع دود سیاه میزنه بیرون",
    "بخاری اتاقشون دودکش نداره مادر و بچه سرشون گیج میره و بالا میارن",
    "آب قنات زده بیرون داره میره سمت خونه های پایین ده",
    "ديوار پشتي مدرسه داره ميوفته رو پياده رو",  # Arabic yeh
    "سیم برق از تیر کنده شده افتاده تو جوب آب",
    "یکی با قمه افتاده دنبال پسر همسایه",
    "گاز قطعه تو این سرما نوه ام تب کرده میلرزه",
    "انبار کاه آتیش گرفت کمک",
    "پیرزن همسایه تنهاست دو روزه کسی ندیدتش در رو هم باز نمیکنه",
    "بچه ی همسایه قرصای مادربزرگشو خورده بیحال شده",
    "سقف حسینیه ترک ورداشته صدای ترق تروق میده",
    "رود طغیان کرده کوچه های پایین تا زانو آبه",
]

MORE_NEAR_MISSES = [
    "ممنون از آتش نشانا که دیروز آتیش انبار رو زود خاموش کردن",
    "شرکت گاز اومد بازدید کرد نشتی نداشت",
    "دلم براشون آتیش میگیره بچه هاش گشنه ان",
    "قیمت کولر آتیشه تو این گرما",
    "خطری نداره ولی یه ترک مویی تو دیوار حیاط افتاده",
    "اگه خدایی نکرده زلزله بیاد مدرسه دووم نمیاره",
    "پلی که سیل سال ۹۸ برد هنوز نساختن",
    "مامور آب رفته تو خونه ها کنتور بخونه",
    "هواشناسی هشدار سیلاب داده برای روستاها اطلاع رسانی کنید",
    "بچم سرما خورده تب کرده دکتر درمونگاه نیست",
    "دیشب دو تا جوون با چاقو دعوا کردن پلیس دیر اومد",
    "تیم فوتبال محل مثل سیل حمله میکنه",
    # An animal stuck is a kindness to arrange, not a person trapped.
    "یه بچه گربه از دیشب زیر کاپوت ماشین گیر کرده میو میو میکنه",
]


# Third round: what is over later in the message, the subjunctive «بیاید», a past event with a
# request for a visit; and the alarms that must survive those changes. Not rows of the dev set.
THIRD_NEAR_MISSES = [
    "دیشب بوی گاز از آشپزخونه میومد، صبح مامور گاز اومد و درستش کرد",
    "اگر یه روز زلزله بیاید این مدرسه سالم نمیمونه",
    "ترک دیوار مسجد از زلزله پارسال مونده بیاید ببینید",
    "اگه سیل بیاید کوچه پایینی زیر آب میره، کانال بزنید",
    "یه لرزش کوچیک پریشب حس شد کسی آسیب ندید، میشه بگید پس لرزه داره یا نه",  # reassured, then a question
    "برای سالگرد سیل روستا یه مراسم بگیرید",
    "زنگ اعلام حریق مدرسه خرابه هی خودش به صدا در میاد",
]
THIRD_EMERGENCIES = [
    "بوی گاز میاد بیاید",
    "بوی گاز میاد، پارسال هم اومدن درستش کردن ولی الان دوباره خیلی شدیده",
    "زود بیاید سیل اومده تو خونه ها",
    "بوی گاز میاد میترسم منفجر بشه",
    "دیوار انبار شکم داده داره میاد پایین کارگرا پاشن",
    "صخره بالای ده داره ریزش میکنه سنگ ریخته رو خونه ها",
    "سیم برق افتاده بود تو حیاط پسرم بهش دست زد تکون نمیخوره",
]


# Fourth round (residents_round3.csv): an event named as the setting of a loss, what is left after
# it, getting ready for it, shaking that is not a quake; and alarms in new words. Not rows of the
# dev set or the training files.
FOURTH_NEAR_MISSES = [
    "یه خانواده تو سیل اسباب و اثاثیه شون رو از دست دادن کمک کنید",
    "بعد از رانش کوه جاده رو باز کردن ولی خاکی مونده",
    "برای زلزله تو مدرسه آب و کنسرو ذخیره کنید",
    "ساختمون بغلی رو دارن با بیل مکانیکی خراب میکنن، لرزشش تا خونه ما میاد",
    "معدن بالای ده روزی دو بار انفجار میزنه",
    "کانال سیلاب کنار مدرسه نرده نداره",
    "آبگرفتگی جلوی در مدرسه از بارون دیروز مونده",
    "تو اخبار گفتن تو شهر بغلی زلزله اومده، کمک جمع کنیم؟",
]
FOURTH_EMERGENCIES = [
    "یه جوون رفته لب پشت بوم میخواد خودشو پرت کنه پایین",
    "اتوبوس ترمز بریده داره میاد سمت مدرسه",
    "آب رودخونه زده بالا داره میاد سمت خونه ها",
    "شعله از پنجره آشپزخونه طبقه سوم زده بیرون",
    "سگای ولگرد ریختن سر یه پیرزن دارن گازش میگیرن",
    "یکی قمه کشیده رو صاحب مغازه",
    "ماشین از جاده پرت شد ته دره",
    "پل فلزی داره با آب میره",
]


# Politeness is not a hypothetical: «اگه مشکلی نیست…»، «در صورت امکان…» ("if you would…") before an
# emergency held it back as if it were «اگه زلزله بیاد…». Not rows of the dev set.
POLITE_EMERGENCIES = [
    "اگه مشکلی نیست زودتر بیاید بوی گاز خیلی شدیده تو کل ساختمون",
    "خواهشمند است در صورت امکان سریعا نیرو اعزام نمایید ساختمان در حال ریزش است",
    "اگه میتونین یکی رو بفرستین بوی گاز شدید کل راه پله رو گرفته",
    "اگه زحمتی نیست یه آمبولانس بفرستید همسایه مون بیهوش شده بخاری روشن بوده",
    "اگر ممکن است سریعتر اقدام کنید آب رودخانه وارد خانه ها شده",
]
POLITE_NEAR_MISSES = [
    "در صورت وقوع زلزله ساختمان مدرسه فرو میریزد",
    "اگه بشه کلاس آموزش زلزله بذارید",
    "در صورت امکان مانور زلزله در مدرسه برگزار شود",
    "اگه بوی گاز اومد به کجا زنگ بزنیم",
]


@pytest.fixture(scope="module")
def detector() -> EmergencyDetector:
    return EmergencyDetector()


@pytest.mark.parametrize("text", [ISSUE_GAS, ISSUE_RIVER])
def test_the_issues_emergencies(detector: EmergencyDetector, text: str) -> None:
    verdict = detector.assess(text)
    assert verdict.emergency and verdict.urgent and verdict.committee == "crisis", verdict


def test_the_issues_outage_in_the_cold_is_urgent_for_services(detector: EmergencyDetector) -> None:
    # Not a crisis (nobody needs rescuing), but it must not wait 48 hours either.
    verdict = detector.assess(ISSUE_COLD)
    assert not verdict.emergency
    assert verdict.urgent and verdict.committee == "services", verdict


@pytest.mark.parametrize("text", EMERGENCIES)
def test_emergencies_in_our_own_words(detector: EmergencyDetector, text: str) -> None:
    verdict = detector.assess(text)
    assert verdict.emergency, verdict


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_stay_routine(detector: EmergencyDetector, text: str) -> None:
    verdict = detector.assess(text)
    assert not verdict.emergency, verdict


@pytest.mark.parametrize("text", MORE_EMERGENCIES)
def test_more_emergencies_in_our_own_words(detector: EmergencyDetector, text: str) -> None:
    verdict = detector.assess(text)
    assert verdict.emergency and verdict.committee == "crisis", verdict


@pytest.mark.parametrize("text", MORE_NEAR_MISSES)
def test_more_near_misses_stay_routine(detector: EmergencyDetector, text: str) -> None:
    verdict = detector.assess(text)
    assert not verdict.emergency, verdict


@pytest.mark.parametrize(
    ("outage", "symptom"),
    [
        ("برق کل محله از دیروز تو این سرما قطعه مادربزرگم مریضه", "الان بیحال شده جواب نمیده"),
        ("دو روزه گاز روستا قطعه بچه شیرخوار داریم", "تب کرده و لباش کبود شده"),
        ("تو گرمای پنجاه درجه برق رفته پدرم قلبیه", "نفسش تنگه"),
        ("برق رفته دستگاه اکسیژن مادرم خاموشه", "از حال رفته"),
    ],
)
def test_an_outage_is_urgent_and_becomes_an_emergency_with_acute_symptoms(
    detector: EmergencyDetector, outage: str, symptom: str
) -> None:
    # The labelling rule (see the module docstring): vulnerable people in an outage are urgent for
    # services; someone with acute symptoms now makes it an emergency for crisis.
    urgent = detector.assess(outage)
    assert urgent.urgent and not urgent.emergency and urgent.committee == "services", urgent
    emergency = detector.assess(f"{outage} {symptom}")
    assert emergency.emergency and emergency.committee == "crisis", emergency
    # Worry is not a symptom.
    assert not detector.assess(f"{outage} خیلی نگرانیم").emergency


def test_a_verdict_says_why(detector: EmergencyDetector) -> None:
    verdict = detector.assess("بوی خیلی خیلی شدید گاز میاد")
    assert verdict.rule == "gas + smell"
    assert set(verdict.words) == {"بوی", "کاز"}  # as normalised: گ folds to ک
    held = detector.assess("کلاس آموزش اطفای حریق و مانور آتش سوزی")
    assert not held.emergency and any("harmless" in reason for reason in held.held_back)
    assert any("negated" in reason for reason in detector.assess("بوی گاز اصلا نمیاد").held_back)


@pytest.mark.parametrize(
    "text",
    [
        "بوی گاز میاد",
        "بو گاز میاد",
        "بوگاز میاد",
        "بوي گاز مياد",
        "بووووی گاااااز میاد",
        "بوی گاز تو کوچه",
        "گاز داره بو میده",  # the other order
        "بوی عجیب و خیلی شدیدی از گاز میاد",  # fillers between
        "آتش‌سوزی تو انبار",
        "آتش سوزی تو انبار",
        "آتشسوزی تو انبار",  # no ZWNJ: the phrase written as one word
    ],
)
def test_spellings_orders_and_fillers(detector: EmergencyDetector, text: str) -> None:
    assert detector.assess(text).emergency


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("آتش‌سوزی", "آتش سوزی"),
        (f"آتش{ZWNJ}{ZWNJ}سوزی", "آتش سوزی"),
        ("كوچه ي ما", "کوچه ی ما"),
        ("زلزلهههه", "زلزله"),
        ("کمک کنیدد", "کمک کنید"),
        ("طوفان", "توفان"),
    ],
)
def test_normalisation_meets_variants(a: str, b: str) -> None:
    assert matcher_tokens(a)[0] == matcher_tokens(b)[0]


def test_far_apart_concepts_do_not_make_an_emergency(detector: EmergencyDetector) -> None:
    # gas and smell, but a whole story apart
    text = "شرکت گاز امروز اومد کنتورها رو خوند و رفت و ما هم کل روز منتظر بودیم که یکی بیاد بوی"
    assert not detector.assess(text).emergency


def test_a_harmless_word_in_another_sentence_does_not_hold_back(detector: EmergencyDetector) -> None:
    assert detector.assess("کلاس آموزش اطفای حریق هفته پیش برگزار شد. الان انبار مسجد آتش گرفته").emergency


def test_burning_rubbish_is_routine_unless_it_spreads(detector: EmergencyDetector) -> None:
    assert not detector.assess("زباله های پشت پارک آتیش گرفته").emergency
    assert detector.assess("زباله های پشت پارک آتیش گرفته داره به خونه ها سرایت میکنه").emergency


@pytest.mark.parametrize(
    "text",
    [
        "همسایه برگای باغو آتیش زد حالا سقف انباری ما آتیش گرفته",
        "آتیش زباله ها پرید رو ماشین همسایه",
        "انبار ترقه فروش سر بازارچه منفجر شد",
        "دیگ بخار حموم عمومی ترکید",
        "روغن داغ ریخت رو پای مادرم پاش سوخته تاول زده",
    ],
)
def test_round_17_emergencies(detector: EmergencyDetector, text: str) -> None:
    assert detector.assess(text).emergency


@pytest.mark.parametrize(
    "text",
    [
        "آب ناودون همسایه میریزه تو حیاط ما",
        "مغازه ترقه فروشی غیرمجاز سر کوچه باز شده",
        "برگای خشک پارکو هر شب آتیش میزنن دودش میاد رو دیوار خونه ها",
        "آسانسور وایساده خداروشکر کسی توش نبود فقط تعمیرش کنید",
        "بچم دستش با اتو سوخت پماد کجا بخرم",
        "پارسال صورتش سوخت هنوز جاش تاول داره",
    ],
)
def test_round_17_near_misses(detector: EmergencyDetector, text: str) -> None:
    assert not detector.assess(text).emergency


def test_past_and_conditional_frames(detector: EmergencyDetector) -> None:
    assert not detector.assess("پارسال سیل اومد").emergency
    assert detector.assess("پارسال هم سیل اومد ولی الان داره آب میاد تو خونه ها").emergency
    assert not detector.assess("اگه زلزله بیاد کجا بریم").emergency
    # A conditional after the alarm is part of the alarm.
    assert detector.assess("بوی گاز شدید میاد اگه جرقه بزنه منفجر میشه").emergency


@pytest.mark.parametrize(
    "text",
    [
        "گاز روستا قطع شده بچه کوچیک داریم هوا خیلی سرده",
        "تو گرمای پنجاه درجه برق رفته مادرم قلبیه",
        "آب شرب سه روزه قطعه پدربزرگم دیالیزیه",
    ],
)
def test_outages_with_cold_heat_or_vulnerable_people_are_urgent(
    detector: EmergencyDetector, text: str
) -> None:
    verdict = detector.assess(text)
    assert verdict.urgent and not verdict.emergency and verdict.committee == "services", verdict


@pytest.mark.parametrize("text", ["برق کوچه از دیشب قطعه", "قبض برق خیلی زیاد اومده", "بچه ها سرما خوردن"])
def test_an_outage_alone_or_cold_alone_is_not_urgent(detector: EmergencyDetector, text: str) -> None:
    assert not detector.assess(text).urgent


def test_corrections_teach_the_same_text() -> None:
    missed = "یه صدای عجیبی از زیر زمین پارک میاد مردم ترسیدن"
    harmless = "کلاس ایمنی آتش نشانی برای بچه های مدرسه محله"
    false_alarm = "نمایشگاه عکس از آتش سوزی های جنگل های شمال در فرهنگسرا برپاست"
    short_alarm = "بوی گاز میاد"
    assert not assess(missed).emergency and assess(false_alarm).emergency
    taught = EmergencyDetector(corrections=[(missed, True), (false_alarm, False), (short_alarm, False)])
    assert taught.assess(missed).emergency and taught.assess(missed).rule == "correction"
    # The same text however it is typed.
    assert taught.assess(missed.replace("ی", "ي") + "!!").emergency
    assert not taught.assess(false_alarm).emergency
    assert not taught.assess(harmless).emergency
    # A short alarm is never silenced by an earlier false alarm: the next one may be real.
    assert len(short_alarm.split()) < MIN_WORDS_TO_SILENCE
    assert taught.assess(short_alarm).emergency
    # Other texts are untouched.
    assert taught.assess("بوی گاز شدید تو راه پله میاد").emergency


def test_a_corrected_false_alarm_can_still_be_urgent() -> None:
    text = "برق کل محله قطعه تو این سرما مادربزرگم مریضه بخاری برقی هم نداریم"
    taught = EmergencyDetector(corrections=[(text, False)])
    verdict = taught.assess(text)
    assert verdict.urgent and not verdict.emergency and verdict.committee == "services"


def test_the_shipped_lexicon_loads() -> None:
    lexicon = EmergencyLexicon.load()
    assert EMERGENCY_LEXICON_PATH.name == "emergency_lexicon.txt"
    assert len(lexicon.concepts) >= 40 and len(lexicon.rules) >= 20
    kinds = {rule.kind for rule in lexicon.rules}
    assert kinds == {"emergency", "urgent"}
    assert lexicon.harmless and lexicon.not_now and lexicon.negation and lexicon.now


def test_trying_only_the_concepts_whose_heads_occur_changes_no_verdict() -> None:
    """The detector skips a concept when no word of the text starts with one of its terms' first
    letters; without the skip every concept's regex runs. Same verdict on every training text and
    on the awkward cases: one-letter and two-letter words, terms written as one word, masked words,
    a term at the very end."""
    lexicon = EmergencyLexicon.load()
    assert lexicon.heads and set(lexicon.heads) == set(lexicon.concepts)
    plain = EmergencyDetector(dataclasses.replace(lexicon, heads={}))
    fast = EmergencyDetector(lexicon)
    texts = [e.text for e in load_examples()] + [
        "آتشسوزی",
        "بوگاز",
        "گ",
        "آب",
        "آب تو",
        "دلم آتیش گرفت ولی انبار آتش گرفت",
        "کمک",
        "۱۲۳ بوی گاز",
        "بوی گاز!!!",
        "",
    ]
    assert [fast.assess(text) for text in texts] == [plain.assess(text) for text in texts]


def lexicon_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "lexicon.txt"
    path.write_text(body, encoding="utf-8")
    return path


def test_a_small_lexicon_of_ones_own(tmp_path: Path) -> None:
    path = lexicon_file(
        tmp_path,
        "[settings]\nwindow 3\n[mask]\nآتش نشانی\n[concept fire]\nآتش*\n[concept catch]\nگرفت*\n"
        "[concept class]\nکلاس*\n[rules]\nemergency: fire catch\nharmless: class\n",
    )
    detector = EmergencyDetector(EmergencyLexicon.load(path))
    assert detector.assess("انبار آتش گرفت").emergency
    assert not detector.assess("انبار آتش و دود و همه چیز و بالاخره گرفت").emergency  # beyond 3 words
    assert not detector.assess("کلاس آتش گرفتن لباس").emergency
    assert not detector.assess("آتش نشانی گرفت").emergency


def test_a_rule_may_be_held_back_by_only_some_harmless_words(tmp_path: Path) -> None:
    path = lexicon_file(
        tmp_path,
        "[concept out]\nبیهوش*\n[concept upkeep]\nلایروبی*\n[concept class]\nکلاس*\n"
        "[rules]\nemergency: out despite upkeep\nharmless: upkeep class\n",
    )
    detector = EmergencyDetector(EmergencyLexicon.load(path))
    assert detector.assess("کارگر موقع لایروبی چاه بیهوش شده").emergency
    assert not detector.assess("کلاس کمک به کسی که بیهوش شده").emergency


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[concept a]\nx\n[rules]\nemergency: a b\n", r"lexicon\.txt:4: unknown concept\(s\) b"),
        ("[nonsense]\n", r"lexicon\.txt:1: unknown section"),
        ("x\n", r"lexicon\.txt:1: a line outside any section"),
        ("[concept a]\nx\n[rules]\nemergency: a within\n", "'within' needs a number"),
        ("[concept a]\nx\n[rules]\nharmless: b\n", "names an unknown concept 'b'"),
        ("[concept a]\nx\n[rules]\nemergency: a despite b\n", r"unknown concept\(s\) b"),
    ],
)
def test_lexicon_mistakes_name_their_line(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        EmergencyLexicon.load(lexicon_file(tmp_path, body))


def test_empty_and_odd_input(detector: EmergencyDetector) -> None:
    for text in ("", "   ", "!!!؟؟", "x" * 5000, "سلام " * 500):
        verdict = detector.assess(text)
        assert not verdict.emergency and not verdict.urgent


@pytest.mark.parametrize("text", THIRD_NEAR_MISSES)
def test_over_later_in_the_message_or_only_supposed_stays_routine(
    detector: EmergencyDetector, text: str
) -> None:
    assert not detector.assess(text).emergency


@pytest.mark.parametrize("text", THIRD_EMERGENCIES)
def test_alarms_with_a_visit_request_or_an_old_repair_stay_alarms(
    detector: EmergencyDetector, text: str
) -> None:
    assert detector.assess(text).emergency


@pytest.mark.parametrize("text", FOURTH_NEAR_MISSES)
def test_fourth_round_near_misses_stay_routine(detector: EmergencyDetector, text: str) -> None:
    assert not detector.assess(text).emergency, detector.assess(text)


@pytest.mark.parametrize("text", FOURTH_EMERGENCIES)
def test_fourth_round_emergencies(detector: EmergencyDetector, text: str) -> None:
    assert detector.assess(text).emergency, text


@pytest.mark.parametrize("text", POLITE_EMERGENCIES)
def test_a_polite_if_does_not_make_an_emergency_hypothetical(detector: EmergencyDetector, text: str) -> None:
    assert detector.assess(text).emergency, detector.assess(text)


@pytest.mark.parametrize("text", POLITE_NEAR_MISSES)
def test_a_real_if_still_does(detector: EmergencyDetector, text: str) -> None:
    assert not detector.assess(text).emergency, detector.assess(text)


# The fifth round's phrasings (the probes in the dev set were written first; these are reworded).
FIFTH_EMERGENCIES = [
    "مادرم پیک نیک رو تو اتاق روشن کرده سرگیجه گرفته بالا میاره",
    "شعله ها از انبار کاه زبونه میکشه",
    "آتیش از تابلو برق شروع شده داره میره بالا",
    "ترک دیوار اتاق هر دقیقه بازتر میشه",
    "دخترم از لبه بالکن آویزون شده",
    "برف تا کمره راه بسته است زنم درد زایمان داره",
    "آب از سقف اومده تو پریزهای اتاق",
    # a past-perfect cause, symptoms now
    "مادرم پیک نیک رو تو اتاق روشن کرده بود الان سرگیجه داره بالا میاره",
]
FIFTH_NEAR_MISSES = [
    "کیت اضطراری زلزله به خانواده ها بدید",
    "جوی کوچه پره آشغال آب بارون راه نداره",
    "برای جشن از پنجره ها پرچم آویزون کردیم",
    "شیر آب حیاط کنار پریز چکه میکنه",
]


@pytest.mark.parametrize("text", FIFTH_EMERGENCIES)
def test_fifth_round_emergencies(detector: EmergencyDetector, text: str) -> None:
    assert detector.assess(text).emergency, detector.assess(text)


@pytest.mark.parametrize("text", FIFTH_NEAR_MISSES)
def test_fifth_round_near_misses_stay_routine(detector: EmergencyDetector, text: str) -> None:
    assert not detector.assess(text).emergency, detector.assess(text)


# Rounds 11–15 (2026-12-04), in my own words: one table, (text, is it an emergency).
ROUNDS_11_TO_15 = [
    ("شیلنگ گاز بریده، اگه کسی کبریت بزنه منفجر میشه، نشت داره", True),  # the «if» is another clause
    ("از وقتی برق رفته بچم تب کرده و بیحاله", True),  # «از وقتی» is since, not when
    ("بوی تخم مرغ گندیده کل راه پله رو گرفته", True),  # the smell given to town gas
    ("کنتور گاز داره فیس فیس میکنه", True),
    ("دود از زیرزمین", True),
    ("آبگرمکن بو میده همه سرگیجه داریم", True),  # a water heater is no longer masked as water
    ("زلزله اومد دیوار اتاق ترک برداشت", True),
    ("پیرمرد همسایه رفته ته چاه دیگه جواب نمیده", True),
    ("داشت آنتن نصب میکرد برق گرفتش افتاد", True),  # «نصب» is equipment only as a request
    ("پس لرزه ها کی تموم میشه؟ شبا خوابمون نمیبره", False),  # a quake alone, no sign of now
    ("خطر آتش سوزی تو انبار پاساژ زیاده", False),
    ("آب بارون میاد تو حیاط و جمع میشه", False),
    ("از ماشین های سنگین که از پل قدیمی رد میشن میترسیم یه روز خراب بشه", False),
    ("دیروز فکر کردیم انفجار شده ولی صدای تخریب ساختمون بود", False),
    ("یادمه بچه بودیم بازار آتیش گرفت", False),
    ("تو تلگرام دیدم ترکیه زلزله اومده دلم ریخت", False),
    ("خفه شدیم از دست صدای این کارگاه", False),
    # round 15
    ("یه کارگر حین لایروبی چاه فاضلاب بیهوش شده", True),  # upkeep does not hold a life back
    ("به ۱۲۵ زنگ زدم اشغاله، دود از پنجره طبقه سوم بیرون میزنه", True),  # busy, not rubbish
    ("کپسول گاز وسط شعله هاست هنوز نترکیده", True),
    ("پکیج خونه بغلی ترکید شیشه ها ریخت", True),
    ("بهمن ریخت رو گردنه دو تا ماشین زیر برفن", True),
    ("پسرم میگه دوستش رفت زیر آب پیدا نیست", True),
    ("دزده هنوز تو خونست من تو کمد قایم شدم", True),
    ("از دست صدای جوشکاری مغزم داره منفجر میشه", False),
    ("موش کش ریختن تو پارک دو تا گربه مسموم شدن، بچه ها اونجا بازی میکنن", False),
    ("نشتی گاز رو شرکت گاز اومد درست کرد ولی آسفالت کوچه رو کندن", False),
    ("۲۲ بهمن راهپیمایی داریم مسیر رو تمیز کنید", False),
]


@pytest.mark.parametrize(("text", "emergency"), ROUNDS_11_TO_15)
def test_rounds_eleven_to_fifteen(detector: EmergencyDetector, text: str, emergency: bool) -> None:
    assert detector.assess(text).emergency is emergency, detector.assess(text)


# Round 16 (2026-12-04), in my own words: «موقع» with a time of day, an alarm that sounds or stays
# silent, a harmless word in a clause of its own before «ولی», and the rest below.
ROUND_16 = [
    ("موقع افطار بوی گاز زیادی تو آشپزخونه پیچیده", True),  # when, not if
    ("موقع زلزله باید کجا بریم؟", False),  # still if
    ("دود از انبار بیرون میزنه و آژیر حریق داره میزنه", True),
    ("دود غلیظ از زیرزمین میاد بالا و آژیر هم نمیزنه", True),
    ("آژیر حریق مدرسه خرابه، اگه آتیش بگیره کسی نمیفهمه", False),  # the alarm as equipment
    ("زنگ زدم درباره قبض گاز بپرسم ولی الان بوی گاز شدیدی تو راه پله هست", True),
    ("بوی گاز اومد، اومدن درستش کردن ولی هزینه‌اش خیلی زیاد شد", False),
    ("کلاس آموزش اطفای حریق داریم ولی کسی نمیاد", False),
    # round 16, violence and terse messages: a blade at a throat, a threat to kill, gunfire named
    # with a street, someone armed in the street; a typo and «پر دوده»; «دوره» that is far
    ("یه مرد کارد گذاشته زیر گلوی مغازه دار", True),
    ("دامادمون با چاقو اومده در خونه میگه میخواد بکشتش", True),
    ("تیراندازی سر خیابون", True),
    ("دیشب تیراندازی تو خیابون شد", False),
    ("کلاس تیراندازی با کمان برای بچه ها بذارید", False),
    ("یه نفر با قمه تو کوچه وایساده", True),
    ("یکی تو محله چاقو میفروشه", False),
    ("بوی گار میاد تو راهرو", True),
    ("انباری پر دوده", True),
    ("سیگار میکشن کل راهرو پر دوده", False),
    ("یه جوون رو با چاقو زدن خون ازش میره بیمارستان دوره", True),
    # a hypothetical question, then «it is happening right now»; a plea after one is not enough
    ("کسی میدونه وقتی شیلنگ گاز فس فس میکنه و بو میده چیکار کنیم؟ همین الان داره همینجوری میکنه", True),
    ("اگه دیوار حیاط ترک بخوره و کج بشه چیکار کنیم؟ الان داره کج میشه", True),
    ("اگه بارون بیاد آب میره تو خونه ها، لطفا سریع بیاین جوی رو لایروبی کنید", False),
    ("وقتی باد میاد تیر برق تکون میخوره میترسیم بیفته. فوری رسیدگی کنید", False),
    # a body «on fire» is fever or heartburn
    ("از دیشب بدنم آتیش گرفته تب دارم دکتر کی میاد", False),
    ("هر چی میخورم معدم آتیش میگیره", False),
]


@pytest.mark.parametrize(("text", "emergency"), ROUND_16)
def test_round_sixteen(detector: EmergencyDetector, text: str, emergency: bool) -> None:
    assert detector.assess(text).emergency is emergency, detector.assess(text)
