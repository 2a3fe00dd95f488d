"""Output folders: checked before the work starts."""

from os import PathLike
from pathlib import Path

from staffing.errors import InputError


def check_out_dir(out: str | PathLike[str], *, force: bool = False) -> Path:
    """Refuse a file, or an existing non-empty folder unless ``force``; return the path.

    Outputs go to a new or explicitly named folder: nothing a user wrote is overwritten
    without ``force`` (``--force`` on the command line).

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
