"""Run independent tasks on any executor, results in task order: plans of a sweep or a bid.

The default is a process pool started with "spawn" (a forked copy of a process running
threads can deadlock); any :class:`concurrent.futures.Executor` can take its place, e.g. a
``ThreadPoolExecutor`` or a Dask cluster's ``distributed.Client(address).get_executor()``.
Results come back in the order of the tasks whatever finishes first, so a seeded
computation gives the same answer on every executor.

As with any "spawn" pool, a script using the default pool must call it under
``if __name__ == "__main__":`` (the workers import the script); notebooks and the
``staffing`` command need nothing.
"""

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from typing import Any

from staffing.errors import InputError


def run_tasks(
    function: Callable[..., Any],
    tasks: Sequence[tuple[Any, ...]],
    *,
    executor: Executor | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    name: Callable[[int], str] = str,
) -> list[Any]:
    """Call ``function(*task)`` for every task, in parallel; return the results in order.

    Parameters
    ----------
    function
        A module-level function (it is pickled to the workers), returning a picklable value.
    tasks
        The arguments of each call.
    executor
        Where the calls run; not shut down. Default: a process pool of ``workers``
        processes started with "spawn", or this process when that is one.
    workers
        Size of the default pool; default: the number of CPUs, at most one per task.
        Ignored when ``executor`` is given.
    progress
        Called as ``progress(done, total)`` each time a task finishes.
    name
        ``name(i)`` names task ``i`` in the message of an :class:`InputError` it raises.

    Returns
    -------
    list
        ``function(*tasks[i])`` at position ``i``.

    Raises
    ------
    InputError
        ``workers`` below 1, or a task's own InputError, prefixed with its name; the tasks
        not started yet are cancelled.
    """
    if workers is not None and workers < 1:
        raise InputError(f"workers = {workers}; give 1 or more processes")
    if executor is None:
        size = min(workers or os.cpu_count() or 1, max(len(tasks), 1))
        if size == 1:  # one process: no pool to start, tasks one after the other
            return [
                _inline(function, task, i, len(tasks), progress, name)
                for i, task in enumerate(tasks)
            ]
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=size, mp_context=context) as pool:
            return run_tasks(function, tasks, executor=pool, progress=progress, name=name)
    futures: list[Future] = [executor.submit(function, *task) for task in tasks]
    index = {future: i for i, future in enumerate(futures)}
    try:
        for done, future in enumerate(as_completed(futures), start=1):
            error = future.exception()
            if isinstance(error, InputError):
                raise InputError(f"{name(index[future])}: {error}") from None
            if error is not None:
                raise error
            if progress is not None:
                progress(done, len(futures))
    finally:
        for future in futures:
            future.cancel()
    return [future.result() for future in futures]


def _inline(
    function: Callable[..., Any],
    task: tuple[Any, ...],
    i: int,
    total: int,
    progress: Callable[[int, int], None] | None,
    name: Callable[[int], str],
) -> Any:
    """Run task ``i`` in this process, reporting it as a pool would."""
    try:
        result = function(*task)
    except InputError as error:
        raise InputError(f"{name(i)}: {error}") from None
    if progress is not None:
        progress(i + 1, total)
    return result
