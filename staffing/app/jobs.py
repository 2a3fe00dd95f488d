"""Long work off the request: a plan or a bid runs in a thread that reports and can be stopped.

A :class:`Job` runs ``work(progress)`` in a daemon thread; ``progress(stage, done, total)``
(the library's progress callback) records where the work is, and raises :class:`Cancelled`
once :meth:`Job.cancel` was called, so the work stops at its next step (the next simulated
day, or when the running schedule solve returns). The page polls :meth:`Job.state`.
The compiled simulation engine and the MILP solver release the interpreter's lock while
they work, so the server keeps answering while a plan runs.
"""

import itertools
import threading
import time
from collections.abc import Callable
from typing import Any

from staffing.errors import InputError

Progress = Callable[[str, int, int], None]


class Cancelled(Exception):  # noqa: N818 (a request, not an error)
    """Raised inside the work by its progress callback once the job was cancelled."""


class Job:
    """One piece of long work running in a thread.

    Parameters
    ----------
    work : callable
        ``work(progress)`` returns the result; ``progress(stage, done, total)`` reports.
    """

    _ids = itertools.count(1)

    def __init__(self, work: Callable[[Progress], Any]) -> None:
        self.id = f"job{next(self._ids)}"
        self.status = "running"
        self.stage = "starting"
        self.done = 0
        self.total = 0
        self.error = ""
        self.result: Any = None
        self.started = time.monotonic()
        self.seconds = 0.0
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(work,), daemon=True)
        self._thread.start()

    def _progress(self, stage: str, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise Cancelled
        self.stage, self.done, self.total = stage, done, total

    def _run(self, work: Callable[[Progress], Any]) -> None:
        try:
            self.result = work(self._progress)
            self.status = "done"
        except Cancelled:
            self.status = "cancelled"
        except InputError as error:
            self.status, self.error = "error", str(error)
        except Exception as error:  # a bug: one line on the page, not a traceback
            self.status, self.error = "error", f"{type(error).__name__}: {error}"
        self.seconds = time.monotonic() - self.started

    def cancel(self) -> None:
        """Ask the work to stop at its next step."""
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> None:
        """Block until the work has ended (for scripts and tests)."""
        self._thread.join(timeout)

    def state(self) -> dict[str, Any]:
        """Where the job is, for the page: status, stage, done of total, error, seconds."""
        running = self.status == "running"
        return {
            "id": self.id,
            "status": self.status,
            "stage": self.stage,
            "done": self.done,
            "total": self.total,
            "error": self.error,
            "seconds": time.monotonic() - self.started if running else self.seconds,
        }
