"""run_tasks: results in task order on any executor, task errors named, one worker inline."""

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from staffing.errors import InputError
from staffing.parallel import run_tasks


def power(base: int, exponent: int) -> int:
    if base < 0:
        raise InputError(f"base = {base}; must be >= 0")
    if base == 13:
        raise ValueError("unlucky")
    return base**exponent


def pid(_: int) -> int:
    return os.getpid()


TASKS = [(b, 2) for b in range(8)]
SQUARES = [b * b for b in range(8)]


def test_results_come_back_in_task_order_on_any_executor():
    assert run_tasks(power, TASKS, workers=1) == SQUARES
    with ThreadPoolExecutor(4) as pool:
        assert run_tasks(power, TASKS, executor=pool) == SQUARES
    assert run_tasks(power, TASKS, workers=2) == SQUARES  # a spawned process pool
    assert run_tasks(power, []) == []


def test_one_worker_runs_in_this_process_and_two_do_not():
    assert set(run_tasks(pid, [(i,) for i in range(3)], workers=1)) == {os.getpid()}
    assert os.getpid() not in run_tasks(pid, [(i,) for i in range(3)], workers=2)


def test_progress_counts_every_task():
    seen = []
    run_tasks(power, TASKS, workers=1, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(k, 8) for k in range(1, 9)]


def test_an_input_error_names_the_task_and_other_errors_pass_through():
    with pytest.raises(InputError, match=r"^task 1: base = -1; must be >= 0$"):
        run_tasks(power, [(2, 2), (-1, 2)], workers=1, name=lambda i: f"task {i}")
    with pytest.raises(ValueError, match="unlucky"):
        run_tasks(power, [(13, 2)], workers=1)


@pytest.mark.parametrize("workers", [0, -2])
def test_workers_below_one_is_an_input_error(workers):
    with pytest.raises(InputError, match="workers"):
        run_tasks(power, TASKS, workers=workers)


def test_one_worker_reports_each_task_as_it_finishes_and_stops_at_an_error():
    events = []

    def note(i: int) -> int:
        events.append(f"ran {i}")
        if i == 2:
            raise InputError("bad")
        return i

    with pytest.raises(InputError, match=r"^task 2: bad$"):
        run_tasks(
            note,
            [(i,) for i in range(4)],
            workers=1,
            progress=lambda done, total: events.append(f"done {done}/{total}"),
            name=lambda i: f"task {i}",
        )
    assert events == ["ran 0", "done 1/4", "ran 1", "done 2/4", "ran 2"]
