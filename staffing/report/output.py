"""Output folders and files: checked before the work starts, written whole or not at all.

DESIGN.md section 7: outputs go to a new folder, or to one given with ``--force``;
``--force`` removes only the files that the same command writes, never the user's other
files, and refuses a folder holding another command's outputs. A command's files are first
written into a staging folder beside the target and moved in only once all are written, so
an error or Ctrl-C leaves no half-written folder behind.

:data:`OUTPUTS` says what each command writes (its signature file first); a test checks it
against what the writers really write.
"""

import fnmatch
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from os import PathLike
from pathlib import Path

from staffing.errors import InputError

PLAN_FILES = (
    "summary.md",
    "requirements.csv",
    "shifts.csv",
    "kpis.csv",
    "totals.csv",
    "rounds.csv",
    "coverage.png",
    "service_level.png",
    "waits.png",
    "occupancy.png",
)
"""What ``staffing plan`` writes for one queue."""

CENTER_FILES = (
    "queues.csv",
    "groups.csv",
    "intervals.csv",
    "days.csv",
    "costs.csv",
    "chat.csv",
    "backlog.csv",
    "backlog_days.csv",
    "backlog.png",
    "channels.csv",
    "queues_service_level.png",
    "queues_waits.png",
    "groups_occupancy.png",
    "chat_concurrency.png",
)
"""What ``staffing simulate`` and ``staffing plan`` write for several queues and groups."""

CENTER_PLAN_FILES = (
    "summary.md",
    "requirements.csv",
    "shifts.csv",
    "rounds.csv",
    *CENTER_FILES,
    "coverage_*.png",
)
"""What ``staffing plan`` writes for several queues and groups."""

OUTPUTS: dict[str, tuple[str, ...]] = {
    "plan": tuple(dict.fromkeys(PLAN_FILES + CENTER_PLAN_FILES)),
    "bid": ("bid.md", "options.csv", "months.csv", "tradeoff.png", "monthly_sl.png", "plan_*"),
    "whatif": (
        "whatif.md",
        "whatif.csv",
        "agents_cost.png",
        "service_level.png",
        "tradeoff.png",
    ),
    "roster": ("roster.md", "roster.csv"),
    "replay": ("replay.csv", "replay.png", "summary.md"),
    "scorecard": (
        "scorecard.md",
        "scorecard.csv",
        "agents.csv",
        "kpi_trends.png",
        "daily_service.png",
        "wait_distribution.png",
        "csat_wait.png",
        "csat_wait.toml",
        "csat_wait.csv",
        "plan_actual.csv",
        "plan_actual_days.csv",
        "plan_actual.png",
    ),
    "simulate": (*CENTER_FILES, "summary.md"),
}
"""Names (or glob patterns) of what each command writes into its folder. A folder holding
a file that other commands write and this one does not is another command's folder."""


def check_out_dir(out: str | PathLike[str], *, force: bool = False) -> Path:
    """Refuse a file, or an existing non-empty folder unless ``force``; return the path.

    For library callers writing a report straight into a folder: nothing a user wrote is
    overwritten without ``force``.

    Raises
    ------
    InputError
        If ``out`` is a file, or a folder with anything in it and not ``force``.
    """
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise InputError(f"{path} is a file; choose a folder for the output")
    if path.exists() and not force and any(path.iterdir()):
        raise InputError(
            f"{path} exists and is not empty; choose a new folder, or write into it with "
            "--force (force=True)"
        )
    return path


def _owned(name: str, command: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in OUTPUTS[command])


def _existing_folder(path: Path) -> Path:
    """Return the nearest existing folder at or above ``path``; a file on the way is an error."""
    for candidate in (path, *path.parents):
        if candidate.is_dir():
            return candidate
        if candidate.exists():
            raise InputError(f"--out {path}: {candidate} is a file, not a folder")
    return Path.cwd()


class OutputFolder:
    """A command's output folder, checked now and written later, whole.

    Parameters
    ----------
    out
        The folder (``--out``); created with its parents when the outputs are committed.
    command
        The command writing it: a key of :data:`OUTPUTS`.
    force
        Allow an existing non-empty folder: the command's own earlier outputs in it are
        replaced (and listed in :attr:`replaced`), everything else is left alone.

    Raises
    ------
    InputError
        ``out`` is a file; or a non-empty folder without ``force``; or, even with
        ``force``, a folder holding another command's outputs.
    """

    def __init__(self, out: str | PathLike[str], command: str, *, force: bool) -> None:
        self.path = Path(out)
        self.command = command
        self.replaced: list[str] = []
        if self.path.exists() and not self.path.is_dir():
            raise InputError(f"--out {self.path} is a file; give a folder")
        names = sorted(p.name for p in self.path.iterdir()) if self.path.is_dir() else []
        if names and not force:
            raise InputError(
                f"--out {self.path} exists and is not empty; choose a new folder, or add "
                f"--force to replace the files a {command} writes there"
            )
        for name in names:
            owners = [other for other in OUTPUTS if _owned(name, other)]
            if owners and command not in owners:
                raise InputError(
                    f"--out {self.path} holds the outputs of `staffing {owners[0]}` "
                    f"({name}); choose another folder for the {command}"
                )
        self._anchor = _existing_folder(self.path)
        if not os.access(self._anchor, os.W_OK):
            raise InputError(f"--out {self.path}: cannot write in {self._anchor}")

    @contextmanager
    def staging(self) -> Iterator[Path]:
        """Yield an empty folder to write into; commit its contents when the block ends.

        If the block raises (an error, Ctrl-C), the staging folder is removed and the
        target is left as it was.
        """
        stage = Path(tempfile.mkdtemp(prefix=".staffing-", dir=self._anchor))
        try:
            yield stage
            self._commit(stage)
        finally:
            shutil.rmtree(stage, ignore_errors=True)

    def _commit(self, stage: Path) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        for old in sorted(self.path.iterdir()):
            if _owned(old.name, self.command):
                self.replaced.append(old.name)
                if old.is_dir():
                    shutil.rmtree(old)
                else:
                    old.unlink()
        for new in sorted(stage.iterdir()):
            new.rename(self.path / new.name)


class OutputFile:
    """A single output file (``--out FILE.csv``), checked now and written whole later.

    Raises
    ------
    InputError
        The path is a folder, its folder does not exist, or it exists without ``force``.
    """

    def __init__(self, out: str | PathLike[str], *, force: bool) -> None:
        self.path = Path(out)
        if self.path.is_dir():
            raise InputError(f"--out {self.path} is a folder; give a file name like out.csv")
        parent = self.path.parent
        if not parent.is_dir():
            raise InputError(f"--out {self.path}: folder {parent} does not exist; create it first")
        if self.path.exists() and not force:
            raise InputError(
                f"--out {self.path} exists; choose another file or add --force to replace it"
            )
        if not os.access(parent, os.W_OK):
            raise InputError(f"--out {self.path}: cannot write in {parent}")

    def write(self, writer: Callable[[Path], object]) -> Path:
        """Call ``writer(path)`` on a temporary file, then move it into place."""
        handle, temporary = tempfile.mkstemp(prefix=".staffing-", dir=self.path.parent)
        os.close(handle)
        try:
            writer(Path(temporary))
            os.replace(temporary, self.path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        return self.path
