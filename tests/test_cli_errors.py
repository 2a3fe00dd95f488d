# This module is the SPECIFICATION for issue "The house" §3 (DESIGN.md §7: errors, inputs and
# outputs). It was written against the CLI as it was before the rewrite, and most of its tests
# failed then on purpose; CLI_CASES.md lists every case, what happened, the root cause and
# which tests passed at the time. The tests assert the behaviour the spec asks for, never
# today's wording:
#
# - bad input: exit 2, no traceback, exactly one non-blank line on stderr naming the flag,
#   key, file or row at fault, and nothing left behind in the working folder;
# - evaluations (erlang, requirements, simulate) exit 0 whatever the KPIs; planning commands
#   (plan, bid) exit 1 when the kept plan misses a target or is infeasible;
# - no "nan"/"inf" in normal output: KPIs of intervals or days without contacts are "—";
# - Ctrl-C: exit 130 within 1 s, at most 2 lines, no traceback, no partial output folder;
# - `staffing --help` imports no heavy library; progress is printed as step lines when stderr
#   is not a terminal;
# - `--force` replaces only the files the same command writes and refuses a folder holding
#   another command's outputs.
#
# Every test runs the command in a subprocess (`python -m staffing.cli`) with cwd=tmp_path and
# builds its small inputs there; nothing private of the package is used.
"""The ``staffing`` command's errors, exit codes, Ctrl-C, --help, progress and --force."""

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SIMULATIONS = ROOT / "simulations"
HEAVY = ("matplotlib", "scipy", "pandas", "simpy", "numba", "ortools")
CLI = (sys.executable, "-m", "staffing.cli")
NAN = re.compile(r"\b(nan|inf)\b", re.IGNORECASE)

ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    "PYTHONUNBUFFERED": "1",
}


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


def staffing(cwd: Path, *args: str, timeout: float = 120) -> Run:
    """Run ``staffing ARGS`` in ``cwd`` with stdout and stderr piped (not a terminal)."""
    done = subprocess.run(
        [sys.executable, "-m", "staffing.cli", *map(str, args)],
        cwd=cwd,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def tree(folder: Path) -> set[Path]:
    return {p.relative_to(folder) for p in folder.rglob("*") if "__pycache__" not in p.parts}


def assert_no_traceback(run: Run) -> None:
    assert "Traceback" not in run.out + run.err, run.err[-2000:]


def assert_no_nan(text: str) -> None:
    assert not NAN.search(text), f"NaN/inf printed: {NAN.search(text).group(0)!r} in\n{text}"


# --------------------------------------------------------------------------- input files

SMALL = "start,calls,aht\n08:00,10,180\n08:30,12,180\n09:00,8,180\n"
ZERO = "start,calls,aht\n08:00,0,0\n08:30,0,0\n09:00,0,0\n"
BIG_AHT = "start,calls,aht\n08:00,10,180\n08:30,12,99999\n"  # 27.8 h
NEGATIVE = "start,calls,aht\n08:00,10,180\n08:30,-3,180\n"
DATED_SHIFTS = "start,end,headcount\n2026-03-02 08:00,2026-03-02 12:00,3\n"

CALLS = [30, 60, 90, 90, 60, 40, 40, 30, 30, 60, 80, 80, 60, 40, 30, 20]  # 08:00-16:00
DESK_CSV = "start,calls,aht\n" + "".join(
    f"{8 + i // 2:02d}:{30 * (i % 2):02d},{c},240\n" for i, c in enumerate(CALLS)
)
DESK = """\
name = "small desk"
[forecast]
file = "f.csv"
[targets]
service_level = "80/20"
abandon_rate = "10%"
[callers]
patience = "2min"
[staffing]
shrinkage = "20%"
[[shifts]]
name = "four hours"
length = "4h"
starts = { from = "08:00", to = "12:00", every = "30min" }
[[shifts]]
name = "short"
length = "3h"
starts = { from = "08:00", to = "13:00", every = "1h" }
part_time = true
breaks = [{ duration = "15min", window = ["1h", "2h"], paid = true }]
[costs]
hourly_wage = 20.0
[simulation]
replications = 4
seed = 5
rounds = 1
"""
BID = """\
name = "small bid"
client = "Example"
scenario = "desk.toml"
[volume]
monthly = 20000
aht = "4min"
daily_cv = "8%"
days_per_month = 30.4
week = {WEEK}
[sla]
service_level = "80/20"
abandon_rate = "10%"
credit = { per_point = "1%", cap = "10%" }
bonus = { per_point = "0.5%", cap = "3%" }
[price]
billing_unit = "productive_hour"
margin = "18%"
[risk]
plan_service_levels = ["80%"]
days = 10
months = 100
seed = 7
"""
WEEK_3 = "{ mon = 1.15, tue = 1.0, wed = 1.0, thu = 1.0, fri = 1.0, sat = 0.6, sun = 0.6 }"
WEEK_1 = "{ mon = 1.0, tue = 1.0, wed = 1.0, thu = 1.0, fri = 1.0, sat = 1.0, sun = 1.0 }"


def desk(folder: Path, name: str = "desk.toml", *, replace: tuple[str, str] = ("", "")) -> Path:
    """Write the small desk scenario (and its forecast f.csv) with one text replaced."""
    old, new = replace
    assert old in DESK
    (folder / "f.csv").write_text(DESK_CSV)
    (folder / name).write_text(DESK.replace(old, new, 1))
    return folder / name


def setup_files(folder: Path) -> None:
    """The small inputs every bad-input case may refer to."""
    (folder / "small.csv").write_text(SMALL)
    (folder / "zero.csv").write_text(ZERO)
    (folder / "bigaht.csv").write_text(BIG_AHT)
    (folder / "neg.csv").write_text(NEGATIVE)
    (folder / "empty.csv").write_text("")
    (folder / "dated_shifts.csv").write_text(DATED_SHIFTS)
    (folder / "D").mkdir()
    desk(folder)
    desk(folder, "len4.toml", replace=('length = "4h"', "length = 4"))
    desk(folder, "break30.toml", replace=('duration = "15min"', "duration = 15"))
    desk(
        folder, "every1.toml", replace=('to = "12:00", every = "30min"', 'to = "08:02", every = 1')
    )
    desk(folder, "typo.toml", replace=("rounds = 1", "roundz = 1"))
    desk(folder, "nocalls.toml", replace=('file = "f.csv"', 'file = "zero.csv"'))
    (folder / "bid.toml").write_text(BID.replace("{WEEK}", WEEK_3))


# --------------------------------------------------------------------------- bad input: exit 2

# (id, arguments, texts the one error line must contain)
BAD_INPUT = [
    # erlang
    ("erlang-around-negative", "erlang --calls 100 --aht 180s --around -3", ["--around"]),
    ("erlang-calls-negative", "erlang --calls -5 --aht 180s", ["--calls"]),
    ("erlang-calls-nan", "erlang --calls nan --aht 180s", ["--calls"]),
    ("erlang-aht-over-4h", "erlang --calls 100 --aht 5h", ["--aht"]),
    ("erlang-interval-15-seconds", "erlang --calls 100 --aht 180 --interval 15", ["--interval"]),
    ("erlang-asa-zero", "erlang --calls 100 --aht 180 --asa 0", ["--asa"]),
    ("erlang-abandon-zero", "erlang --calls 100 --aht 180 --abandon 0", ["--abandon"]),
    # simulate
    (
        "simulate-handle-cv-text",
        "simulate small.csv --handle-dist gamma --handle-cv abc",
        ["--handle-cv"],
    ),
    (
        "simulate-patience-cv-text",
        "simulate small.csv --patience 3min --patience-dist gamma --patience-cv abc",
        ["--patience-cv"],
    ),
    ("simulate-seed-negative", "simulate small.csv --seed -1", ["--seed"]),
    ("simulate-replications-zero", "simulate small.csv --replications 0", ["--replications"]),
    ("simulate-workers-zero", "simulate small.csv --workers 0", ["--workers"]),
    (
        "simulate-out-missing-parent",
        "simulate small.csv --replications 2 --out nodir/s.csv",
        ["--out", "nodir"],
    ),
    (
        "simulate-out-is-folder-force",
        "simulate small.csv --replications 2 --out D --force",
        ["--out", "D"],
    ),
    (
        "simulate-shifts-outside-forecast",
        "simulate small.csv --shifts dated_shifts.csv --patience 2min --replications 2",
        ["dated_shifts.csv", "row 2"],
    ),
    ("simulate-agents-missing", "simulate small.csv --agents missing.csv", ["missing.csv"]),
    ("simulate-forecast-folder", "simulate D", ["D"]),
    ("simulate-forecast-empty", "simulate empty.csv", ["empty.csv"]),
    # requirements
    (
        "requirements-out-missing-parent",
        "requirements small.csv --out nodir/r.csv",
        ["--out", "nodir"],
    ),
    ("requirements-out-is-folder-force", "requirements small.csv --out D --force", ["--out"]),
    ("requirements-fte-hours-8-seconds", "requirements small.csv --fte-hours 8", ["--fte-hours"]),
    ("requirements-fte-hours-zero", "requirements small.csv --fte-hours 0", ["--fte-hours"]),
    ("requirements-interval-15-seconds", "requirements small.csv --interval 15", ["--interval"]),
    ("requirements-aht-over-4h-in-csv", "requirements bigaht.csv", ["bigaht.csv", "row 3", "aht"]),
    ("requirements-negative-calls", "requirements neg.csv", ["neg.csv", "row 3", "calls"]),
    # plan
    ("plan-shift-length-4-seconds", "plan len4.toml --out O", ["length", "4h"]),
    ("plan-break-15-seconds", "plan break30.toml --out O", ["duration", "15min"]),
    ("plan-start-every-1-second", "plan every1.toml --out O", ["every"]),
    ("plan-unknown-key", "plan typo.toml --out O", ["roundz"]),
    ("plan-forecast-without-calls", "plan nocalls.toml --out O", ["zero.csv", "calls"]),
    ("plan-scenario-missing", "plan nothere.toml --out O", ["nothere.toml"]),
    ("plan-out-is-file", "plan desk.toml --out small.csv", ["--out", "small.csv"]),
    # bid, whatif
    ("bid-workers-zero", "bid bid.toml --out B --workers 0", ["--workers"]),
    (
        "whatif-workers-zero",
        "whatif desk.toml --vary shrinkage=10%,20% --out W --workers 0",
        ["--workers"],
    ),
    ("whatif-unknown-key", "whatif desk.toml --vary bogus=1,2 --out W", ["--vary", "bogus"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "names"), [c[1:] for c in BAD_INPUT], ids=[c[0] for c in BAD_INPUT]
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, names):
    setup_files(tmp_path)
    before = tree(tmp_path)
    run = staffing(tmp_path, *args.split())
    assert_no_traceback(run)
    assert run.code == 2, f"exit {run.code}; stderr: {run.err[-500:]}"
    assert len(run.err_lines) == 1, run.err_lines
    line = run.err_lines[0]
    for name in names:
        assert name in line, f"{name!r} not named in: {line}"
    assert not line.rstrip().endswith(":"), f"no reason given: {line}"
    assert_no_nan(re.sub(r"'[^']*'", "", line))  # the user's own text, quoted, may say nan
    # checked before the work: nothing printed on stdout, nothing left behind
    assert not run.out.strip(), run.out
    assert tree(tmp_path) == before, sorted(map(str, tree(tmp_path) - before))


@pytest.mark.parametrize(
    ("args", "suggestion"),
    [
        ("plan len4.toml --out O", re.compile(r"4 ?h")),
        ("erlang --calls 100 --aht 180 --interval 15", re.compile(r"15 ?min")),
        ("requirements small.csv --fte-hours 8", re.compile(r"8 ?h")),
    ],
    ids=["shift-length-4", "interval-15", "fte-hours-8"],
)
def test_implausible_duration_suggests_the_unit(tmp_path, args, suggestion):
    # e.g. `length = 8: 8 s; did you mean "8h"?`
    setup_files(tmp_path)
    run = staffing(tmp_path, *args.split())
    assert run.code == 2
    assert len(run.err_lines) == 1, run.err_lines
    assert "did you mean" in run.err_lines[0], run.err_lines[0]
    assert suggestion.search(run.err_lines[0].split("did you mean", 1)[1]), run.err_lines[0]


# --------------------------------------------------------------------------- no NaN, "—"

NO_CONTACTS = [
    ("simulate-zero-calls", "simulate zero.csv --replications 3"),
    ("simulate-one-replication", "simulate small.csv --replications 1"),
    ("requirements-zero-calls", "requirements zero.csv"),
    ("erlang-zero-calls", "erlang --calls 0 --aht 180"),
]


@pytest.mark.parametrize("args", [c[1] for c in NO_CONTACTS], ids=[c[0] for c in NO_CONTACTS])
def test_evaluations_exit_0_and_never_print_nan(tmp_path, args):
    setup_files(tmp_path)
    run = staffing(tmp_path, *args.split())
    assert_no_traceback(run)
    assert run.code == 0, run.err
    assert_no_nan(run.out)
    assert_no_nan(run.err)


@pytest.mark.parametrize(
    "args",
    ["simulate zero.csv --replications 3", "requirements zero.csv"],
    ids=["simulate", "requirements"],
)
def test_kpis_without_contacts_are_a_dash(tmp_path, args):
    setup_files(tmp_path)
    run = staffing(tmp_path, *args.split())
    assert run.code == 0, run.err
    assert "—" in run.out, run.out
    assert "100.0%" not in run.out, "a service level for no contacts is shown as a number"


def test_plan_missing_a_target_exits_1(tmp_path):
    # shifts can only start 08:00-08:30 and last 4 h: 12:30-16:00 cannot be covered
    path = desk(
        tmp_path,
        replace=('to = "12:00", every = "30min"', 'to = "08:30", every = "30min"'),
    )
    text = path.read_text()
    path.write_text(
        text[: text.index('[[shifts]]\nname = "short"')] + text[text.index("[costs]") :]
    )
    run = staffing(tmp_path, "plan", "desk.toml", "--out", "O")
    assert_no_traceback(run)
    assert run.code == 1, f"exit {run.code}: a plan that misses its targets must exit 1"
    assert "missed" in run.out + run.err
    assert_no_nan(run.out)


def test_times_of_day_are_never_dated_1970(tmp_path):
    setup_files(tmp_path)
    r = staffing(tmp_path, "requirements", "small.csv", "--out", "r.csv")
    s = staffing(tmp_path, "simulate", "small.csv", "--replications", "2", "--out", "s.csv")
    p = staffing(tmp_path, "plan", "desk.toml", "--out", "O")
    assert (r.code, s.code) == (0, 0)
    assert p.code in (0, 1), p.err
    texts = {
        "requirements stdout": r.out,
        "simulate stdout": s.out,
        "plan stdout": p.out,
        "r.csv": (tmp_path / "r.csv").read_text(),
        "s.csv": (tmp_path / "s.csv").read_text(),
    }
    texts |= {f"O/{f.name}": f.read_text() for f in (tmp_path / "O").glob("*.[cm][sd]*")}
    for where, text in texts.items():
        assert "1970" not in text, f"1970 in {where}"
        assert not re.search(r"\bThu \d\d:\d\d", text), f"weekday of 1970-01-01 in {where}"


# --------------------------------------------------------------------------- --help


def test_help_imports_no_heavy_library(tmp_path):
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "staffing.cli", "--help"],
        cwd=tmp_path,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-1000:]
    imported = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert not imported & set(HEAVY), sorted(imported & set(HEAVY))


# --------------------------------------------------------------------------- progress


def test_progress_is_step_lines_when_not_a_terminal(tmp_path):
    run = staffing(tmp_path, "plan", SIMULATIONS / "techsupport_day.toml", "--out", "P")
    assert run.code in (0, 1), run.err
    assert run.err_lines, "no progress at all when stderr is not a terminal"
    assert "\r" not in run.err, "a terminal bar (carriage returns) written to a pipe"


# --------------------------------------------------------------------------- Ctrl-C


def test_ctrl_c_stops_within_a_second_with_one_line(tmp_path):
    """Ctrl-C in a terminal: SIGINT to the whole process group (main process and workers)."""
    lines: list[tuple[float, str]] = []
    proc = subprocess.Popen(
        [*CLI, "bid", SIMULATIONS / "ecommerce_bid.toml", "--out", "B", "--workers", "2"],
        cwd=tmp_path,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )

    def read(stream):
        for line in stream:
            lines.append((time.monotonic(), line))

    readers = [
        threading.Thread(target=read, args=(s,), daemon=True) for s in (proc.stdout, proc.stderr)
    ]
    for reader in readers:
        reader.start()
    try:
        deadline = time.monotonic() + 8
        while not any(text.strip() for _, text in lines) and time.monotonic() < deadline:
            time.sleep(0.05)
        progress_seen = any(text.strip() for _, text in lines)
        time.sleep(0.5)  # into the work
        sent = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)
        try:
            code = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            code = None
        stopped = time.monotonic() - sent
        for reader in readers:
            reader.join(timeout=2)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    after = [text for at, text in lines if at >= sent and text.strip()]
    everything = "".join(text for _, text in lines)
    assert "Traceback" not in everything, everything[-3000:]
    assert code == 130, f"exit {code} (130 expected; -2 is death by the signal)"
    assert stopped <= 1.5, f"stopped {stopped:.1f} s after Ctrl-C"
    assert len(after) <= 2, after
    assert not (tmp_path / "B").exists(), "partial output folder left behind"
    assert progress_seen, "no progress line within 8 s when stderr is not a terminal"


# --------------------------------------------------------------------------- --force


@pytest.fixture
def plan_folder(tmp_path):
    desk(tmp_path)
    run = staffing(tmp_path, "plan", "desk.toml", "--out", "P")
    assert run.code in (0, 1), run.err
    assert (tmp_path / "P" / "summary.md").exists()
    return tmp_path / "P"


def test_whatif_into_a_plan_folder_is_refused_even_with_force(tmp_path, plan_folder):
    files = {p.name: p.read_bytes() for p in plan_folder.iterdir()}
    args = ["whatif", "desk.toml", "--vary", "shrinkage=10%,20%", "--out", "P", "--workers", "1"]
    without = staffing(tmp_path, *args)
    assert without.code == 2
    assert len(without.err_lines) == 1, without.err_lines
    assert "--force" in without.err_lines[0]
    forced = staffing(tmp_path, *args, "--force")
    assert_no_traceback(forced)
    assert forced.code == 2, "--force must not mix a what-if into a plan's folder"
    assert len(forced.err_lines) == 1, forced.err_lines
    assert "plan" in forced.err_lines[0], forced.err_lines[0]
    assert {p.name: p.read_bytes() for p in plan_folder.iterdir()} == files


def test_plan_rerun_with_force_replaces_only_its_own_files(tmp_path, plan_folder):
    (plan_folder / "notes.txt").write_text("mine\n")
    (plan_folder / "summary.md").write_text("stale\n")
    own = {p.name for p in plan_folder.iterdir()} - {"notes.txt"}
    run = staffing(tmp_path, "plan", "desk.toml", "--out", "P", "--force")
    assert_no_traceback(run)
    assert run.code in (0, 1), run.err
    assert (plan_folder / "notes.txt").read_text() == "mine\n"
    assert (plan_folder / "summary.md").read_text() != "stale\n"
    assert {p.name for p in plan_folder.iterdir()} == own | {"notes.txt"}


def test_bid_rerun_with_force_leaves_no_old_day_plans(tmp_path):
    desk(tmp_path)
    (tmp_path / "bid.toml").write_text(BID.replace("{WEEK}", WEEK_3))
    first = staffing(tmp_path, "bid", "bid.toml", "--out", "B", "--workers", "2")
    assert first.code in (0, 1), first.err
    old = {p.name for p in (tmp_path / "B").glob("plan_*")}
    assert len(old) > 1
    (tmp_path / "B" / "notes.txt").write_text("mine\n")
    (tmp_path / "bid.toml").write_text(BID.replace("{WEEK}", WEEK_1))  # one day type now
    second = staffing(tmp_path, "bid", "bid.toml", "--out", "B", "--workers", "2", "--force")
    assert_no_traceback(second)
    assert second.code in (0, 1), second.err
    new = {p.name for p in (tmp_path / "B").glob("plan_*")}
    assert len(new) == 1, f"old day plans left beside the new one: {sorted(new)}"
    assert (tmp_path / "B" / "notes.txt").read_text() == "mine\n"


def test_ctrl_c_in_the_middle_of_a_shift_solve_stops_at_once(tmp_path):
    """The care week's first round solves a week of shifts with email deadline rows for
    several seconds: HiGHS runs in a thread, so Ctrl-C does not wait for it, and the
    process leaves with 130 rather than aborting on the solver's threads."""
    proc = subprocess.Popen(
        [*CLI, "plan", SIMULATIONS / "care_week_plan.toml", "--out", "W"],
        cwd=tmp_path,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        time.sleep(3.0)  # past the imports, into the first round's solves
        sent = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=10)
        stopped = time.monotonic() - sent
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == 130, (proc.returncode, err[-2000:])
    assert stopped <= 1.5, f"stopped {stopped:.1f} s after Ctrl-C"
    assert err.strip().splitlines()[-1] == "staffing: interrupted"
    assert "Traceback" not in err + out
    assert not (tmp_path / "W").exists()
