"""pledges.heap: the collector paused while the build makes what it keeps, and what it keeps moved out of the
collector's reach, so that the first collection after the pause does not walk it all."""

from __future__ import annotations

import gc
from datetime import date

import pytest

from pledges import dataset as dataset_module
from pledges.heap import collector_off


@pytest.fixture
def clean_collector():
    was_enabled = gc.isenabled()
    gc.enable()
    gc.unfreeze()
    gc.collect()
    yield
    gc.unfreeze()  # frozen objects go back to the oldest generation: later tests see an ordinary heap
    if not was_enabled:
        gc.disable()


def test_kept_objects_are_frozen_and_the_collector_is_on_again(clean_collector):
    before = gc.get_freeze_count()
    with collector_off(keep=True):
        assert not gc.isenabled()
        made = [[n] for n in range(20_000)]  # lists are tracked by the collector
    assert gc.isenabled()
    assert gc.get_freeze_count() - before >= len(made)
    assert gc.get_count()[0] < 1_000  # nothing left for the next collection to walk


def test_without_keep_nothing_is_frozen_and_nesting_leaves_the_collector_off(clean_collector):
    before = gc.get_freeze_count()
    with collector_off():
        with collector_off():
            made = [[n] for n in range(5_000)]
        assert not gc.isenabled()  # the inner pause does not switch on what the outer one switched off
    assert gc.isenabled() and gc.get_freeze_count() == before and len(made) == 5_000


def test_a_disabled_collector_stays_disabled(clean_collector):
    gc.disable()
    with collector_off(keep=True):
        pass
    assert not gc.isenabled()
    gc.enable()


def test_the_beside_loader_freezes_the_records_it_read(tmp_path, clean_collector):
    from benchmarks import synthetic

    data = tmp_path / "data"
    synthetic.dataset(data, providers=3, pledges_each=2, quarters=2, metrics=1)  # SYNTHETIC
    before = gc.get_freeze_count()
    dataset, counted = dataset_module.load_dataset_beside(data, date(2026, 12, 1), lambda ds: gc.get_count()[0])
    assert dataset.problems == []
    assert gc.get_freeze_count() - before > dataset.files  # each record is several tracked objects
    assert counted < 1_000  # the work starts with the young generation empty, not holding every record
