"""The collector pause of national runs (services/bulk.py)."""

from __future__ import annotations

import gc

from services.bulk import collector_paused


def test_the_collector_is_paused_inside_and_restored_by_the_last_pause_out() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer run is still going
    assert gc.isenabled()


def test_a_failing_run_restores_the_collector() -> None:
    try:
        with collector_paused():
            raise RuntimeError("the run failed")
    except RuntimeError:
        pass
    assert gc.isenabled()


def test_a_collector_off_before_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
