"""The trained router kept on disk (services/routing_cache.py): the key follows what training
reads, a stored router is the same router, and a start loads instead of training."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import CommitteeKey, RoutingCorrection
from services.requests import routing_model
from services.requests.routing_model import RoutingModel
from services.routing import ROUTING_DATA_DIR, LabelledExample, RequestRouter, load_examples
from services.routing_cache import RouterCache, router_key
from tests.unit.test_requests import T0

PROBES = [
    "بوی شدید گاز در کل کوچه پیچیده",
    "چاله بزرگ وسط خیابان اصلی",
    "کلاس آموزش اطفای حریق برای بچه ها",
    "برق کل محله از دیروز قطع است و سالمندان در سرما هستند",
]


def small_examples() -> list[LabelledExample]:
    """A few examples per committee: training takes a fraction of a second."""
    seen: dict[str, int] = {}
    chosen = []
    for example in load_examples():
        if seen.get(example.committee, 0) < 25:
            seen[example.committee] = seen.get(example.committee, 0) + 1
            chosen.append(example)
    return chosen


def stored(directory: Path) -> list[Path]:
    return list(directory.glob("*.pickle"))


@pytest.fixture
def small_training(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[LabelledExample]]:
    examples = small_examples()
    # The shipped router is kept once per process: one trained on these few examples must not
    # outlive the test (later tests in the same worker would route with it).
    shipped = routing_model._shipped_router
    shipped.cache_clear()
    monkeypatch.setattr(routing_model, "load_examples", lambda: list(examples))
    yield examples
    shipped.cache_clear()


def test_the_key_follows_the_examples_the_verdicts_and_the_data_files(tmp_path: Path) -> None:
    examples = small_examples()
    key = router_key(examples)
    assert key == router_key(list(examples))
    assert key != router_key([*examples, LabelledExample(text="متن تازه", committee="culture")])
    assert key != router_key(examples, [(examples[0].text, True)])
    assert key != router_key(examples[::-1])  # training is order-sensitive, so is the key

    data = tmp_path / "routing"
    shutil.copytree(ROUTING_DATA_DIR, data)
    copied = router_key(examples, data_dir=data)
    assert copied == key  # same files, same key, wherever they are
    lexicon = data / "emergency_lexicon.txt"
    lexicon.write_text(lexicon.read_text(encoding="utf-8") + "\n# one more line\n", encoding="utf-8")
    assert router_key(examples, data_dir=data) != key


def test_a_stored_router_routes_like_the_trained_one_and_bad_files_are_ignored(tmp_path: Path) -> None:
    router = RequestRouter.train(small_examples())
    cache = RouterCache(tmp_path / "cache")
    assert cache.load("k1") is None and cache.latest() is None
    cache.store("k1", router)
    loaded = cache.load("k1")
    assert loaded is not None and loaded is not router
    for text in PROBES:
        assert loaded.route(text) == router.route(text)

    cache.path("k2").write_bytes(b"not a pickle")
    os.utime(cache.path("k2"), (2_000_000_000, 2_000_000_000))  # the newest, and unreadable
    assert cache.load("k2") is None
    assert cache.latest() is not None  # falls back to the newest that loads
    assert not list(cache.directory.glob(".tmp-*"))


def test_only_the_newest_artefacts_are_kept(tmp_path: Path) -> None:
    router = RequestRouter.train(small_examples())
    cache = RouterCache(tmp_path, keep=2)
    for number in range(4):
        cache.store(f"k{number}", router)
        os.utime(cache.path(f"k{number}"), (1_000_000 + number, 1_000_000 + number))
    cache.store("k9", router)
    assert sorted(p.name.split(".")[0] for p in tmp_path.glob("*.pickle")) == ["k3", "k9"]


def test_a_directory_that_cannot_be_written_is_not_fatal(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the directory should be")
    cache = RouterCache(blocker / "cache")
    cache.store("k", RequestRouter.train(small_examples()))
    assert cache.load("k") is None


async def test_a_start_loads_the_cached_router_and_trains_only_when_the_data_changed(
    session_factory: async_sessionmaker[AsyncSession],
    small_training: list[LabelledExample],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache = RouterCache(tmp_path)
    async with session_factory() as session:
        first = RoutingModel(cache=cache)
        ready = await first.prepare(session)
        assert (ready.source, ready.examples) == ("trained", len(small_training))
        assert len(stored(tmp_path)) == 1

        # A second start with the same data loads it: training is never called.
        trained: list[int] = []
        real_train = RequestRouter.train.__func__  # type: ignore[attr-defined]

        def counting_train(cls: type[RequestRouter], *args: object, **kwargs: object) -> RequestRouter:
            trained.append(1)
            return real_train(cls, *args, **kwargs)  # type: ignore[no-any-return]

        monkeypatch.setattr(RequestRouter, "train", classmethod(counting_train))
        second = RoutingModel(cache=cache)
        assert (await second.prepare(session)).source == "cached"
        assert trained == []
        for text in PROBES:
            assert second.guess(text) == first.guess(text)
        # Nothing changed since: the nightly retrain does nothing either.
        await second.retrain(session)
        assert trained == []

        # A correction arrives: the next start answers at once with the old router as a stand-in
        # and trains the new one in the background, then keeps it.
        session.add_all(
            RoutingCorrection(
                text=f"زنگوله های برنجی میدان قدیمی {i}", committee=CommitteeKey.CULTURE, created_at=T0
            )
            for i in range(3)
        )
        await session.commit()
        third = RoutingModel(cache=cache)
        ready = await third.prepare(session)
        assert (ready.source, ready.examples) == ("stand-in", len(small_training) + 3)
        assert third._background is not None
        await asyncio.wait_for(third._background, timeout=120)
        assert trained == [1]
        assert len(stored(tmp_path)) == 2
        fourth = RoutingModel(cache=cache)
        assert (await fourth.prepare(session)).source == "cached"
        assert trained == [1]
        await third.close()


async def test_without_a_cache_every_start_trains(
    session_factory: async_sessionmaker[AsyncSession], small_training: list[LabelledExample]
) -> None:
    async with session_factory() as session:
        model = RoutingModel()
        assert (await model.prepare(session)).source == "trained"
        await model.close()


async def test_prepared_in_the_background_what_routes_waits_for_it(
    session_factory: async_sessionmaker[AsyncSession],
    small_training: list[LabelledExample],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    cache = RouterCache(tmp_path)
    async with session_factory() as session:
        await RoutingModel(cache=cache).prepare(session)  # a router in the cache
    loading = asyncio.Event()
    real_load = RouterCache.load

    def slow_load(self: RouterCache, key: str) -> RequestRouter | None:
        # Routing is asked for while this load runs (off the loop).
        asyncio.run_coroutine_threadsafe(_set(loading), loop).result()
        return real_load(self, key)

    loop = asyncio.get_running_loop()
    monkeypatch.setattr(RouterCache, "load", slow_load)

    def not_this_one() -> RequestRouter:
        raise AssertionError("routed before the preparation ended: the shipped router was trained")

    monkeypatch.setattr(routing_model, "_shipped_router", not_this_one)
    model = RoutingModel(cache=cache)
    readied: list[bool] = []
    with caplog.at_level("INFO", "services.requests.routing_model"):
        # returns at once; `on_ready` once the router is ready (the bot freezes its heap then)
        model.prepare_in_background(
            session_factory, on_ready=lambda: readied.append(model._router is not None)
        )
        assert model._router is None
        await loading.wait()
        guess = await model.route(PROBES[0])  # waits for the load, never trains the shipped one
    assert model._router is not None and guess == model.guess(PROBES[0])
    assert readied == [True]
    assert f"{routing_model.READY_LINE} (cached)" in caplog.text
    await model.close()


async def test_a_delayed_preparation_waits_only_when_a_router_is_on_disk(
    session_factory: async_sessionmaker[AsyncSession], small_training: list[LabelledExample], tmp_path: Path
) -> None:
    started = asyncio.Event()

    def watching_factory() -> AsyncSession:
        started.set()
        raise ConnectionError("database gone")  # the shipped router is used (next test)

    cache = RouterCache(tmp_path)
    empty = RoutingModel(cache=cache)
    empty.prepare_in_background(watching_factory, delay=3600)  # type: ignore[arg-type]
    await asyncio.wait_for(started.wait(), timeout=5)  # nothing on disk: training starts at once
    await empty.close()

    async with session_factory() as session:
        await RoutingModel(cache=cache).prepare(session)  # now a router is on disk
    started.clear()
    model = RoutingModel(cache=cache)
    model.prepare_in_background(watching_factory, delay=3600)  # type: ignore[arg-type]
    await asyncio.sleep(0.05)
    assert not started.is_set()  # left alone while nothing needs it
    guess = await asyncio.wait_for(model.route(PROBES[1]), timeout=120)  # a request needs it: now
    assert started.is_set() and guess.committee in {e.committee for e in small_training}
    await model.close()


async def test_a_preparation_that_fails_leaves_the_shipped_router(
    small_training: list[LabelledExample], caplog: pytest.LogCaptureFixture
) -> None:
    def broken_factory() -> AsyncSession:
        raise ConnectionError("database gone")

    model = RoutingModel()
    readied: list[bool] = []
    with caplog.at_level("ERROR", "services.requests.routing_model"):
        model.prepare_in_background(broken_factory, on_ready=lambda: readied.append(True))  # type: ignore[arg-type]
        guess = await model.route(PROBES[1])
    assert guess.committee in {e.committee for e in small_training}
    assert readied == []
    assert "preparing the request router failed" in caplog.text
    await model.close()


async def _set(event: asyncio.Event) -> None:
    event.set()
