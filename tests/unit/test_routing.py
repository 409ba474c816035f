"""services.routing: the shipped training data, normalisation, the trained router, its emergency
and two-committee answers, and the `python -m bot route` command. The emergency detector itself is
tested in test_emergency_detection.py."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from models.council import CommitteeKey
from services.emergency_detection import Assessment
from services.routing import (
    COMMITTEES,
    CONFIDENCE_THRESHOLD,
    LEARNED_DOUBT_PROBABILITY,
    LEARNED_EMERGENCY_THRESHOLD,
    LEARNED_OVERRIDE_PROBABILITY,
    ROUTING_DATA_DIR,
    TORN_SECOND,
    LabelledExample,
    LearnedEmergencies,
    RequestRouter,
    _fit_learned,
    is_emergency,
    load_examples,
    normalise_for_routing,
    read_examples,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
ZWNJ = "\u200c"


@pytest.fixture(scope="module")
def examples() -> list[LabelledExample]:
    return load_examples()


@pytest.fixture(scope="module")
def router(examples: list[LabelledExample]) -> RequestRouter:
    return RequestRouter.train(examples)


# --- the shipped data -----------------------------------------------------------------------


def test_committees_are_the_enum_keys() -> None:
    assert COMMITTEES == tuple(k.value for k in CommitteeKey)
    assert len(COMMITTEES) == 7
    assert 0 < CONFIDENCE_THRESHOLD < 1


def test_shipped_data_is_valid(examples: list[LabelledExample]) -> None:
    assert len(examples) >= 700
    counts = Counter(e.committee for e in examples)
    assert set(counts) == set(COMMITTEES)
    assert min(counts.values()) >= 60, counts
    assert all(e.text.strip() and normalise_for_routing(e.text) for e in examples)


def test_shipped_data_has_no_duplicate_texts(examples: list[LabelledExample]) -> None:
    seen: dict[str, LabelledExample] = {}
    duplicates = []
    for example in examples:
        key = normalise_for_routing(example.text)
        if key in seen:
            duplicates.append((seen[key], example))
        seen.setdefault(key, example)
    assert not duplicates, duplicates[:10]


def test_shipped_data_says_which_crisis_rows_are_emergencies(examples: list[LabelledExample]) -> None:
    crisis = [e for e in examples if e.committee == "crisis"]
    assert all(e.emergency is not None for e in crisis)
    assert sum(e.emergency is True for e in crisis) >= 100
    # Near-misses: preparedness for crisis, and harmless mentions of fire, gas, flood or quake
    # labelled with their routine committee.
    assert sum(e.emergency is False for e in crisis) >= 60
    assert not [e for e in examples if e.emergency and e.committee != "crisis"]


# --- loading errors -------------------------------------------------------------------------


def test_load_examples_names_the_bad_line(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(
        'committee,text\nhealth,درمانگاه تعطیل است\nhealth,"دارو، گران"\npolice,دزدی شده\n', encoding="utf-8"
    )
    with pytest.raises(ValueError, match=r"a\.csv:4: unknown committee 'police'"):
        load_examples(tmp_path)


def test_load_examples_rejects_empty_text_and_reads_good_files(tmp_path: Path) -> None:
    (tmp_path / "good.csv").write_text(
        'committee,text\ncrisis,"آتش، کمک"\n\nculture,کلاس قرآن\n', encoding="utf-8"
    )
    assert load_examples(tmp_path) == [
        LabelledExample(text="آتش، کمک", committee="crisis"),
        LabelledExample(text="کلاس قرآن", committee="culture"),
    ]
    (tmp_path / "more.csv").write_text("committee,text\nservices,  \n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"more\.csv:2: empty text"):
        load_examples(tmp_path)


def test_the_emergency_column(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text(
        "committee,text,emergency\ncrisis,بوی گاز میاد,1\ncrisis,مانور زلزله,0\nhealth,دکتر نداریم,\n"
        "crisis,سیل اومده,true\n",
        encoding="utf-8",
    )
    assert [e.emergency for e in read_examples(path)] == [True, False, None, True]
    path.write_text("committee,text,emergency\ncrisis,یک متن محرمانه,maybe\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"e\.csv:2: emergency must be 1 or 0") as error:
        read_examples(path)
    assert "محرمانه" not in str(error.value)  # errors never quote a text (the blind set is read so)
    path.write_text("committee,text,urgent\ncrisis,x,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="header must be"):
        read_examples(path)


# --- normalisation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("می خواهم", "میخواهم"),
        (f"می{ZWNJ}خواهم", "میخواهم"),
        ("نمی آید", f"نمی{ZWNJ}آید"),
        ("خانه ها", "خانهها"),
        (f"خانه{ZWNJ}های ما", "خانه های ما"),
        ("كوچه ي ما", "کوچه ی ما"),  # Arabic kaf and yeh
        ("پلاک ۱۲ و ٣٤", "پلاک 12 و 34"),
        ("آب", "اب"),
        ("سلااااام!!! کوچه،", "سلام کوچه"),
        ("بِسمِ اللّه", "بسم الله"),
        ("خیـــابان", "خیابان"),  # tatweel
        ("  چند   خط\nمتن  ", "چند خط متن"),
    ],
)
def test_normalise_variants_meet(a: str, b: str) -> None:
    assert normalise_for_routing(a) == normalise_for_routing(b)


def test_normalise_output() -> None:
    assert normalise_for_routing(f"می{ZWNJ}خواهم ABC  ۱۲۳") == "میخواهم abc 123"
    assert normalise_for_routing("ZWNJ\u200cبین") == "zwnj بین"
    assert normalise_for_routing("") == ""
    assert normalise_for_routing("؟!،") == ""
    # Distinct words stay distinct.
    assert normalise_for_routing("سیل") != normalise_for_routing("سیلو")


# --- the router -----------------------------------------------------------------------------

UNSEEN_REQUESTS = [
    ("health", "مادربزرگم دیابت داره و داروهاش تو داروخانه محل پیدا نمیشه"),
    ("health", "خانه بهداشت روستا هفته ای فقط یک روز پزشك دارد"),
    ("livelihood", "همسرم بیکار شده و نمی تونیم اجاره خونه رو بدیم، کمک میخوایم"),
    ("livelihood", "سبد کالا به خانواده های نیازمند محله ما نرسیده"),
    ("security", "شبا چند تا معتاد تو پارک جمع میشن و مواد میفروشن"),
    ("security", "دیشب موتور همسایه رو از جلوی در دزدیدن"),
    ("culture", "برای بچه های محل کلاس قرآن و کتابخوانی تابستانی برگزار کنید"),
    ("culture", "لطفاً یک مسابقه فوتبال بین جوانان محله ها برگزار شود"),
    ("services", "چاله بزرگ وسط خیابان اصلی ماشینها رو خراب میکنه، آسفالت کنید"),
    ("services", "چراغ های کوچه ۳ سوخته و شب ها تاریکه"),
    ("environment", "زباله ها سه روزه جمع نشده و بوی بد گرفته"),
    ("environment", "سگ های ولگرد تو کوچه زیاد شدن"),
    ("crisis", "بوی گاز شدید تو راه پله ساختمان میاد، کمک کنید"),
    ("crisis", "سیل اومده و آب وارد خونه ها شده"),
]


@pytest.mark.parametrize(("committee", "text"), UNSEEN_REQUESTS)
def test_router_routes_unseen_requests(router: RequestRouter, committee: str, text: str) -> None:
    guess = router.route(text)
    assert guess.committee == committee, guess


def test_an_emergency_goes_to_crisis_whatever_the_model_says(router: RequestRouter) -> None:
    guess = router.route("بوی خیلی شدید گاز تو کل کوچه پیچیده")
    assert guess.emergency and guess.urgent
    assert guess.committee == "crisis" and guess.choices == ("crisis",)
    assert guess.reason and "gas" in guess.reason
    assert guess.confidence == dict(guess.ranking)["crisis"]
    routine = router.route("کلاس آموزش اطفای حریق برای خانم ها بذارید")
    assert not routine.emergency and not routine.urgent


def test_an_outage_in_the_cold_with_the_elderly_is_urgent_for_services(router: RequestRouter) -> None:
    guess = router.route("برق کل محله از دیروز در این سرما قطع است و سالمندان اذیت میشن")
    assert guess.urgent and not guess.emergency
    assert guess.committee == "services" and guess.choices[0] == "services"
    assert not router.route("برق کوچه از دیشب قطعه").urgent


TWO_PROBLEMS = [
    "معتادای پارک آشغال و سرنگ میریزن",
    "پیرزن تنها تو کوچمون زندگی میکنه خرجی نداره مریضم هست",
    "کوچه ما هم آشغالاش جمع نمیشه هم چراغاش سوخته",
    "همسایه سگ نگه میداره شبا پارس میکنه تهدیدمون میکنه",
    "جوونا بیکارن تو پارک جمع میشن سیگار میکشن",
    "بچه ها جایی برای بازی ندارن پارک هم تاب نداره",
    "فاضلاب کوچه زده بالا پشه هم زیاد شده",
    "مدرسه روستا معلم نداره بچه ها هم سرویس ندارن",
    "هم برق کوچه رفته هم آشغالا مونده",
    "مادرم دیابت داره پول داروشم نداریم",
]


def test_a_torn_model_offers_two_committees(router: RequestRouter) -> None:
    # Which of these the shipped model is torn on moves as the data grows; that it offers two
    # exactly when the second holds TORN_SECOND is pinned below, and on a made-up ranking.
    guesses = router.route_many(TWO_PROBLEMS)
    assert any(len(g.choices) == 2 for g in guesses), [g.ranking[:2] for g in guesses]
    for guess in guesses:
        (first, _), (second, p2) = guess.ranking[:2]
        assert guess.choices == ((first, second) if p2 >= TORN_SECOND else (first,)), guess
        assert guess.committee == guess.choices[0] and guess.confidence == dict(guess.ranking)[first]


def test_two_committees_are_offered_exactly_from_torn_second(router: RequestRouter) -> None:
    def probabilities(first: str, p1: float, second: str, p2: float) -> np.ndarray:
        # In the calibrator's column order, as route() hands it to _guess.
        row = np.full(len(COMMITTEES), (1.0 - p1 - p2) / (len(COMMITTEES) - 2))
        columns = dict(zip(COMMITTEES, router._columns, strict=True))
        row[columns[first]], row[columns[second]] = p1, p2
        return row

    torn = router._guess(probabilities("services", 0.85, "environment", TORN_SECOND), Assessment())
    assert torn.choices == ("services", "environment") and torn.committee == "services"
    sure = router._guess(probabilities("services", 0.90, "environment", TORN_SECOND - 0.01), Assessment())
    assert sure.choices == ("services",)
    # An emergency offers only crisis, however torn the committee model is.
    alarm = router._guess(
        probabilities("services", 0.55, "crisis", 0.40),
        Assessment(emergency=True, urgent=True, committee="crisis"),
    )
    assert alarm.choices == ("crisis",)


def test_route_guess_shape(router: RequestRouter) -> None:
    guess = router.route("خيابان ما خيلي خاكي است و آسفالت نشده")  # Arabic yeh and kaf
    assert 0.0 <= guess.confidence <= 1.0
    assert [c for c, _ in guess.ranking] and {c for c, _ in guess.ranking} == set(COMMITTEES)
    assert len(guess.ranking) == 7
    assert guess.ranking[0] == (guess.committee, guess.confidence)
    scores = [p for _, p in guess.ranking]
    assert scores == sorted(scores, reverse=True)
    assert sum(scores) == pytest.approx(1.0, abs=1e-6)
    assert guess.choices[0] == guess.committee and not guess.emergency


def test_route_agrees_with_route_many(router: RequestRouter, examples: list[LabelledExample]) -> None:
    # route() computes the model by hand for speed; route_many() goes through scikit-learn.
    texts = [e.text for e in examples[::25]] + [t for _, t in UNSEEN_REQUESTS]
    texts += ["", "!!!", "x" * 5000, "سلام " * 300, "بوی گاز بوی گاز بوی گاز"]
    for single, batch in zip([router.route(t) for t in texts], router.route_many(texts), strict=True):
        assert single.committee == batch.committee
        assert (single.emergency, single.urgent, single.choices) == (
            batch.emergency,
            batch.urgent,
            batch.choices,
        )
        assert dict(single.ranking) == pytest.approx(dict(batch.ranking), abs=1e-9)
    assert all(g.committee in COMMITTEES and 0 <= g.confidence <= 1 for g in router.route_many(texts))
    assert router.route_many([]) == []


def test_missing_zwnj_and_arabic_letters_do_not_change_the_answer(router: RequestRouter) -> None:
    proper = router.route(f"می{ZWNJ}خواهم برای بچه{ZWNJ}های محله کلاس ورزشی بگذارید")
    sloppy = router.route("ميخواهم براي بچه هاي محله كلاس ورزشي بگذاريد")
    assert proper == sloppy


def test_training_is_deterministic(examples: list[LabelledExample], router: RequestRouter) -> None:
    again = RequestRouter.train(examples)
    text = "آب لوله کشی روستا چند روزه قطعه"
    assert again.route(text) == router.route(text)


def test_train_rejects_unknown_committee() -> None:
    with pytest.raises(ValueError, match="unknown committee"):
        RequestRouter.train([LabelledExample("x", "health"), LabelledExample("y", "police")])


def test_committee_missing_from_training_still_ranked() -> None:
    small = RequestRouter.train(
        [
            LabelledExample("درمانگاه دکتر ندارد", "health"),
            LabelledExample("دارو گران است", "health"),
            LabelledExample("دزدی در کوچه", "security"),
            LabelledExample("موتور دزدیدند", "security"),
        ]
    )
    guess = small.route("دکتر درمانگاه")
    assert guess.committee == "health"
    assert len(guess.ranking) == 7 and dict(guess.ranking)["crisis"] == 0.0
    assert dict(small.route_many(["دکتر درمانگاه"])[0].ranking) == pytest.approx(dict(guess.ranking))


def test_training_with_a_single_example_of_a_committee() -> None:
    tiny = RequestRouter.train(
        [
            LabelledExample("درمانگاه دکتر ندارد", "health"),
            LabelledExample("دارو گران است", "health"),
            LabelledExample("دزدی در کوچه", "security"),
        ]
    )
    guess = tiny.route("دزدی")
    assert guess.committee in ("health", "security")
    assert sum(p for _, p in guess.ranking) == pytest.approx(1.0)


# --- emergencies ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "بوی گاز میاد",
        "آتيش گرفته",
        "بوي گاز مياد توي ساختمان",
        "خونه همسایه آتش گرفته کمک کنید",
        "سیل اومده",
        "سيلاب راه افتاده",
        "آتشسوزی تو انبار",
        "بوی خیلی شدید گاز میاد",
    ],
)
def test_is_emergency_true(text: str) -> None:
    assert is_emergency(text)


@pytest.mark.parametrize(
    "text",
    [
        "کلاس آموزش آتش نشانی برای بچه ها",
        f"کلاس آموزش آتش{ZWNJ}نشانی برای بچه ها",
        "کلاس آموزش آتشنشانی برای بچه ها",
        "وسیله نقلیه عمومی به روستا نمیاد",
        "سیلو گندم روستا",
        "یه پسر تو کوچه به بچه من سیلی زد",
        "شیر آتش نشانی کوچه خرابه",
        "قبض آب امسال خیلی زیاد شده",
        "",
    ],
)
def test_is_emergency_false(text: str) -> None:
    assert not is_emergency(text)


# --- the command line -----------------------------------------------------------------------


def test_cli_route_reads_lines_and_writes_json(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "route"],
        cwd=REPO_ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": "/tmp",
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/cli.db",
        },
        input="زباله ها رو جمع نمیکنن\n\nدزد اومده خونمون\nبوی خیلی شدید گاز تو راه پله پیچیده\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3, result.stdout
    answers = [json.loads(line) for line in lines]
    for answer in answers:
        assert set(answer) == {"committee", "confidence", "emergency"}
        assert isinstance(answer["emergency"], bool)
        assert answer["committee"] in COMMITTEES
        assert 0 <= answer["confidence"] <= 1
        assert answer["confidence"] == round(answer["confidence"], 3)
    assert [a["committee"] for a in answers] == ["environment", "security", "crisis"]
    assert [a["emergency"] for a in answers] == [False, False, True]


def test_routing_data_dir_is_in_the_repo() -> None:
    assert ROUTING_DATA_DIR == REPO_ROOT / "data" / "routing"


def test_the_blind_set_is_separate_from_the_training_data(examples: list[LabelledExample]) -> None:
    blind = load_examples(REPO_ROOT / "data" / "routing_blind")
    assert len(blind) >= 200 and {e.committee for e in blind} == set(COMMITTEES)
    trained = {normalise_for_routing(e.text) for e in examples}
    # A count, never the texts: nobody reads the blind set, not even in a failing test.
    assert sum(normalise_for_routing(e.text) in trained for e in blind) == 0


# -- the learned second opinion on emergencies ------------------------------------------------

# A child who went into a pool and has not come up: no rule knows the phrasing, the model does.
UNRULED_EMERGENCY = "بچه همسایه رفته تو استخر بالا نیومده"


def test_the_learned_model_adds_an_emergency_the_rules_missed(router: RequestRouter) -> None:
    assert not router.detector.assess(UNRULED_EMERGENCY).emergency
    assert router.learned is not None
    assert router.learned.probability(UNRULED_EMERGENCY) >= LEARNED_EMERGENCY_THRESHOLD
    guess = router.route(UNRULED_EMERGENCY)
    assert guess.emergency and guess.committee == "crisis" and (guess.reason or "").startswith("learned")
    assert router.route_many([UNRULED_EMERGENCY])[0].emergency


def test_the_learned_models_fast_path_agrees_with_scikit_learn(examples: list[LabelledExample]) -> None:
    rows = [e for e in examples if e.emergency is not None][:400]
    texts, labels = [e.text for e in rows], [int(bool(e.emergency)) for e in rows]
    features, model = _fit_learned(texts, labels)
    learned = LearnedEmergencies(features, model)
    probes = [*texts[:50], UNRULED_EMERGENCY, "سلام", "؟؟؟", "بوی گاز"]
    expected = model.predict_proba(features.transform([normalise_for_routing(t) for t in probes]))
    positive = list(model.classes_).index(1)
    for text, row in zip(probes, expected, strict=True):
        assert learned.probability(text) == pytest.approx(row[positive], abs=1e-9)


def test_what_the_rules_held_back_stays_held_back_unless_the_model_is_all_but_certain(
    router: RequestRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A past flood: the rules matched «flood» and held it back on purpose; the model agrees.
    past = "پارسال سیل اومد همه چی خراب شد"
    assert router.detector.assess(past).held_back
    assert not router.route(past).emergency
    assert not router.route("مانور آتش نشانی فردا تو مدرسه").emergency
    # The same frame with water coming in again now: the rules still see «پارسال».
    again = "پارسال سیل اومد زیرزمین رفت زیر آب الان دوباره آب داره از در حیاط میاد تو"
    assert router.detector.assess(again).held_back and not router.detector.assess(again).emergency
    assert router.learned is not None
    monkeypatch.setattr(router.learned, "probability", lambda _text: LEARNED_OVERRIDE_PROBABILITY - 0.01)
    guess = router.route(again)
    assert not guess.emergency and guess.hazard  # asked, not raised
    monkeypatch.setattr(router.learned, "probability", lambda _text: LEARNED_OVERRIDE_PROBABILITY)
    guess = router.route(again)
    assert guess.emergency and guess.committee == "crisis"
    assert guess.reason == f"learned ({LEARNED_OVERRIDE_PROBABILITY:.2f}) over a hold-back"
    assert any("past" in reason for reason in router.assess(again).held_back)  # the rules' reasons stay


def test_a_handlers_not_an_emergency_outweighs_a_certain_model(
    examples: list[LabelledExample], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "پارسال سیل اومد زیرزمین رفت زیر آب الان دوباره آب داره از در حیاط میاد تو"
    handled = RequestRouter.train(examples[::10], emergency_corrections=[(text, False)])
    assert handled.learned is not None
    monkeypatch.setattr(handled.learned, "probability", lambda _text: 1.0)
    assert not handled.route(text).emergency


def test_a_rule_alarm_the_model_all_but_rules_out_is_asked_about_not_raised(router: RequestRouter) -> None:
    # «انفجار» in a science class and «سیل» of rubbish: the rules match, the model has seen better.
    science_class = (
        "بچه‌ها تو کلاس علوم یه آزمایش انفجار کوچولو دیدن و کلی ذوق کردن، بازم از این کلاسا بذارید لطفا"
    )
    rubbish = "بعد از جشن عروسی همسایه سیل زباله تو کوچه مونده کسی جمع نمیکنه"
    assert router.learned is not None
    for text in (science_class, rubbish):
        assert router.detector.assess(text).emergency
        assert router.learned.probability(text) < LEARNED_DOUBT_PROBABILITY
        guess = router.route(text)
        assert not guess.emergency and guess.hazard and guess.committee != "crisis", guess
        assert any("doubts" in reason for reason in router.assess(text).held_back)
    assert router.route(science_class).committee == "culture"


def test_a_short_alarm_is_believed_whatever_the_model_says(
    router: RequestRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert router.learned is not None
    monkeypatch.setattr(router.learned, "probability", lambda _text: 0.0)
    short = "بوی گاز میاد"  # fewer than MIN_WORDS_TO_SILENCE words
    assert router.route(short).emergency
    long = "بوی گاز خیلی شدید تو راه پله پیچیده همه ترسیدیم"
    guess = router.route(long)
    assert not guess.emergency and guess.hazard  # asked, one tap from an emergency
    handled = RequestRouter.train(load_examples()[::10], emergency_corrections=[(long, True)])
    assert handled.learned is not None
    monkeypatch.setattr(handled.learned, "probability", lambda _text: 0.0)
    assert handled.route(long).emergency  # a handler's verdict is never doubted


def test_a_handlers_correction_outweighs_the_learned_model(examples: list[LabelledExample]) -> None:
    corrected = RequestRouter.train(examples, emergency_corrections=[(UNRULED_EMERGENCY, False)])
    assert not corrected.route(UNRULED_EMERGENCY).emergency
    plain = RequestRouter.train(examples, learned_emergencies=False)
    assert plain.learned is None and not plain.route(UNRULED_EMERGENCY).emergency


# -- a danger in the words that is not taken for an emergency ----------------------------------


def test_a_danger_held_back_by_the_rules_asks_the_resident(router: RequestRouter) -> None:
    # The rules hold the smell of gas back (fixed, said later); the resident is asked all the same.
    text = "بوی گاز از کنتور میومد ولی اداره گاز اومد درستش کرد، کنتور رو هم عوض کنید"
    guess = router.route(text)
    assert not guess.emergency and guess.hazard
    assert router.route_many([text])[0].hazard


def test_a_routine_request_asks_nothing_and_an_emergency_needs_no_question(router: RequestRouter) -> None:
    assert not router.route("درمانگاه محله ما پزشک ندارد و بیماران باید تا شهر بروند").hazard
    emergency = router.route("بوی گاز شدید تو راه پله ساختمان ما میاد")
    assert emergency.emergency and not emergency.hazard
