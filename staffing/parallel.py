"""Run independent tasks on any executor, results in task order: plans of a sweep or a bid.

The default is a process pool started with "spawn" (a forked copy of a process running
threads can deadlock); any :class:`concurrent.futures.Executor` can take its place, e.g. a
``ThreadPoolExecutor`` or a Dask cluster's ``distributed.Client(address).get_executor()``.
Results come back in the order of the tasks whatever finishes first, so a seeded
computation gives the same answer on every executor.

As with any "spawn" pool, a script using the default pool must call it under
``if __name__ == "__main__":`` (the workers import the script); notebooks and the
``staffing`` command need nothing. The default pool's workers ignore Ctrl-C: the calling
process alone is interrupted, and it terminates the workers at once instead of waiting for
their tasks, so an interrupted sweep or bid stops within a second with one message.
"""

import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, as_completed
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
        pool = SpawnPool(size)
        try:
            return run_tasks(function, tasks, executor=pool, progress=progress, name=name)
        finally:
            pool.shutdown(cancel_futures=True)
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


def _ignore_interrupts() -> None:
    """Let Ctrl-C reach the calling process only (run in each worker as it starts)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class SpawnPool(Executor):
    """A process pool started with "spawn" whose workers ignore Ctrl-C and can be stopped.

    :meth:`shutdown` with ``cancel_futures`` terminates the workers at once, where
    :class:`concurrent.futures.ProcessPoolExecutor` would wait for their running tasks.
    """

    def __init__(self, workers: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._pool = context.Pool(workers, initializer=_ignore_interrupts)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """Schedule ``fn(*args, **kwargs)`` in a worker; return its future."""
        future: Future = Future()
        future.set_running_or_notify_cancel()
        self._pool.apply_async(
            fn, args, kwargs, callback=future.set_result, error_callback=future.set_exception
        )
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop the workers: at once with ``cancel_futures``, else after their tasks."""
        if cancel_futures:
            self._pool.terminate()
        else:
            self._pool.close()
        if wait:
            self._pool.join()
