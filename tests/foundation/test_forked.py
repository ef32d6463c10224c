"""pledges.forked: half of a list in a forked child gives what one process gives, whatever the child does; and the
data folder loads the same split over two processes as in one."""

from __future__ import annotations

import os
from datetime import date

import pytest

from pledges import dataset as dataset_module
from pledges import forked

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")


@pytest.fixture
def forks(monkeypatch) -> list[int]:
    """The children forked during the test. Other tests in this process leave idle server threads behind
    (pytest-httpserver's, the collectors' deadline watchdog), which would make in_two stay in one process and these
    tests pass without testing the fork; the work here takes no lock those threads could hold."""
    children: list[int] = []
    real_fork = os.fork

    def counted_fork() -> int:
        pid = real_fork()
        if pid:
            children.append(pid)
        return pid

    monkeypatch.setattr(forked, "can_fork", lambda: True)
    monkeypatch.setattr(os, "fork", counted_fork)
    return children


def squares(part: list[int]) -> list[tuple[int, int]]:
    return [(n, n * n) for n in part]


@needs_fork
def test_the_child_works_the_second_half(forks):
    parent = os.getpid()
    first, second = forked.in_two(lambda part: (os.getpid(), squares(part)), list(range(11)), fork_from=2)
    assert first == (parent, squares([0, 2, 4, 6, 8, 10]))
    assert second[0] != parent  # worked in another process
    assert second[1] == squares([1, 3, 5, 7, 9])
    assert forked.interleave(first[1], second[1]) == squares(list(range(11)))
    assert len(forks) == 1


@needs_fork
@pytest.mark.parametrize("failure", ["raises", "dies", "unpicklable"])
def test_whatever_goes_wrong_in_the_child_its_half_is_worked_here(failure, forks):
    parent = os.getpid()

    def work(part: list[int]):
        if os.getpid() != parent:
            if failure == "raises":
                raise RuntimeError("child failed")
            if failure == "dies":
                os._exit(3)
            return lambda: part  # a lambda does not pickle
        return squares(part)

    assert forked.in_two(work, list(range(7)), fork_from=2) == (squares([0, 2, 4, 6]), squares([1, 3, 5]))
    assert len(forks) == 1


def test_a_short_list_or_running_threads_stay_in_this_process(monkeypatch):
    parent = os.getpid()
    assert forked.in_two(lambda part: os.getpid(), [1, 2, 3], fork_from=4) == (parent, parent)
    monkeypatch.setattr(forked.threading, "active_count", lambda: 2)  # as under a collector's HTTP threads
    assert forked.in_two(lambda part: os.getpid(), list(range(10)), fork_from=2) == (parent, parent)


@needs_fork
def test_an_error_here_ends_the_child_and_is_raised(forks):
    def work(part: list[int]):
        if part and part[0] == 0:
            raise ValueError("bad half")
        return part

    with pytest.raises(ValueError, match="bad half"):
        forked.in_two(work, list(range(6)), fork_from=2)
    assert len(forks) == 1


@needs_fork
def test_the_data_folder_loads_the_same_in_two_processes_as_in_one(tmp_path, monkeypatch, forks):
    """Records in the same order, the same problems (a bad file, a duplicate id, a wrong reference, personal data)."""
    from benchmarks import synthetic

    data = tmp_path / "data"
    synthetic.dataset(data, providers=6, pledges_each=2, quarters=3, metrics=2)  # SYNTHETIC
    providers = sorted((data / "providers").glob("*.yaml"))
    (data / "providers" / "broken.yaml").write_text("id: broken\nname: [unclosed\n", encoding="utf-8")
    duplicate = providers[0].read_text(encoding="utf-8")
    (data / "providers" / "zz-copy.yaml").write_text(duplicate, encoding="utf-8")
    pledge = sorted((data / "pledges").glob("*.yaml"))[0]
    pledge.write_text(pledge.read_text(encoding="utf-8").replace("provider: ", "provider: nobody-", 1)
                      + "note: call me on 06-12345678\n", encoding="utf-8")
    today = date(2026, 12, 1)

    monkeypatch.setattr(dataset_module, "PARALLEL_FROM", 10**9)
    one = dataset_module.load_dataset(data, today)
    assert not forks
    monkeypatch.setattr(dataset_module, "PARALLEL_FROM", 2)
    two = dataset_module.load_dataset(data, today)
    assert len(forks) == 2  # reading, then checking

    assert len(one.problems) >= 4, one.problems
    assert two.problems == one.problems
    assert {kind: list(items) for kind, items in two.loaded.items()} == \
        {kind: list(items) for kind, items in one.loaded.items()}
    assert all(two.loaded[kind][rid].record == item.record for kind, items in one.loaded.items()
               for rid, item in items.items())


@needs_fork
def test_work_beside_the_checks_sees_the_records_and_the_problems_are_the_same(tmp_path, monkeypatch, forks):
    """load_dataset_beside (the build: scoring while a child checks): the same problems as load_dataset, the work
    done in this process on the read records, a failure it returns handed back; and the child's check is done
    here when the child fails."""
    from benchmarks import synthetic

    data = tmp_path / "data"
    synthetic.dataset(data, providers=5, pledges_each=2, quarters=3, metrics=2)  # SYNTHETIC
    pledge = sorted((data / "pledges").glob("*.yaml"))[0]
    pledge.write_text(pledge.read_text(encoding="utf-8").replace("provider: ", "provider: nobody-", 1),
                      encoding="utf-8")
    today = date(2026, 12, 1)
    one = dataset_module.load_dataset(data, today)
    assert any("nobody-" in str(problem) for problem in one.problems)

    monkeypatch.setattr(dataset_module, "PARALLEL_FROM", 2)
    parent = os.getpid()
    two, seen = dataset_module.load_dataset_beside(data, today, lambda ds: (os.getpid(), len(ds.pledges)))
    assert len(forks) == 2  # reading in two, then the checks beside the work
    assert seen == (parent, len(one.pledges)) and two.problems == one.problems

    failure = ValueError("scores of unchecked data")
    _, returned = dataset_module.load_dataset_beside(data, today, lambda ds: failure)
    assert returned is failure

    monkeypatch.setattr(dataset_module, "_check_part", _fail_in_child(dataset_module._check_part, parent))
    three, _ = dataset_module.load_dataset_beside(data, today, lambda ds: None)
    assert three.problems == one.problems


def _fail_in_child(check, parent: int):
    def checked_here_only(*args, **kwargs):
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return check(*args, **kwargs)
    return checked_here_only


@needs_fork
def test_a_large_dataset_is_checked_first_and_its_documents_go_before_the_work(tmp_path, monkeypatch, forks):
    """From BESIDE_UNTIL record files (memory): the checks come first, in two halves; the work then sees the
    records without their documents, and on data with problems the documents stay (positions for the report)."""
    from benchmarks import synthetic

    data = tmp_path / "data"
    synthetic.dataset(data, providers=5, pledges_each=2, quarters=3, metrics=2)  # SYNTHETIC
    today = date(2026, 12, 1)
    monkeypatch.setattr(dataset_module, "PARALLEL_FROM", 2)
    monkeypatch.setattr(dataset_module, "BESIDE_UNTIL", 2)

    def documents_left(ds) -> int:
        return sum(item.doc.data is not None for items in ds.loaded.values() for item in items.values())

    good, left = dataset_module.load_dataset_beside(data, today, documents_left)
    assert good.problems == [] and left == 0 and len(forks) == 2  # reading in two, checking in two
    pledge = sorted((data / "pledges").glob("*.yaml"))[0]
    pledge.write_text(pledge.read_text(encoding="utf-8").replace("provider: ", "provider: nobody-", 1),
                      encoding="utf-8")
    bad, left = dataset_module.load_dataset_beside(data, today, documents_left)
    assert bad.problems == dataset_module.load_dataset(data, today).problems and bad.problems
    assert left == good.files and ":1:1:" not in str(bad.problems[0])  # the documents kept: a real position


@pytest.mark.parametrize("share", [0.5, 0.36, 0.1, 0.9])
def test_any_share_splits_evenly_and_interleave_restores_the_order(share):
    for size in (0, 1, 2, 3, 10, 101):
        items = list(range(size))
        here, there = forked.halves(items, share)
        assert forked.interleave(here, there, share) == items
        assert abs(len(there) - size * share) <= 1  # the child's share, give or take one item
        if size >= 100:  # spread over the list: each tenth of it holds some of the child's items
            assert all(any(x in there for x in items[k * size // 10:(k + 1) * size // 10]) for k in range(10))
    assert forked.halves(list(range(6))) == ([0, 2, 4], [1, 3, 5])  # the default: every second item
