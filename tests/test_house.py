"""The house: output folders and files, plausible durations, progress lines, the spawn pool,
light imports, the public API, and what each command writes."""

import io
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from staffing import sweep
from staffing.callers import CallerBehaviour, Returns
from staffing.errors import InputError
from staffing.forecast import read_forecast
from staffing.parallel import SpawnPool
from staffing.plan import plan
from staffing.report import whatif_report
from staffing.report.output import OUTPUTS, OutputFile, OutputFolder
from staffing.report.plan_report import write_report
from staffing.report.terminal import DASH, Progress, pct, sec, with_ci
from staffing.requirements import ServiceTargets
from staffing.units import parse_duration
from staffing.whatif import parse_varies

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"


def owned(name: str, command: str) -> bool:
    from fnmatch import fnmatchcase

    return any(fnmatchcase(name, pattern) for pattern in OUTPUTS[command])


# =========================================================================== output folders


def test_a_new_folder_is_written_whole_with_its_parents(tmp_path):
    folder = OutputFolder(tmp_path / "a" / "b", "plan", force=False)
    assert not (tmp_path / "a").exists()  # nothing is created before the work is done
    with folder.staging() as stage:
        (stage / "summary.md").write_text("x")
    assert (tmp_path / "a" / "b" / "summary.md").read_text() == "x"
    assert folder.replaced == []
    assert [p.name for p in tmp_path.iterdir()] == ["a"]  # no staging folder left


def test_an_error_while_writing_leaves_the_folder_as_it_was(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.md").write_text("old")
    folder = OutputFolder(out, "plan", force=True)

    def interrupted():
        with folder.staging() as stage:
            (stage / "summary.md").write_text("half")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    assert (out / "summary.md").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    folder = OutputFolder(tmp_path / "new", "plan", force=False)
    with pytest.raises(KeyboardInterrupt):
        interrupted()
    assert not (tmp_path / "new").exists()


def test_force_replaces_the_commands_own_files_only(tmp_path):
    out = tmp_path / "bid"
    (out / "plan_mon").mkdir(parents=True)
    (out / "plan_mon" / "summary.md").write_text("old day plan")
    (out / "bid.md").write_text("old sheet")
    (out / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match=r"exists and is not empty.*--force"):
        OutputFolder(out, "bid", force=False)
    folder = OutputFolder(out, "bid", force=True)
    with folder.staging() as stage:
        (stage / "bid.md").write_text("new sheet")
        (stage / "plan_tue").mkdir()
    assert sorted(p.name for p in out.iterdir()) == ["bid.md", "notes.txt", "plan_tue"]
    assert (out / "bid.md").read_text() == "new sheet"
    assert folder.replaced == ["bid.md", "plan_mon"]


@pytest.mark.parametrize(
    ("existing", "command", "message"),
    [
        ("summary.md", "whatif", "holds the outputs of `staffing plan` \\(summary.md\\)"),
        ("bid.md", "plan", "holds the outputs of `staffing bid`"),
        ("whatif.md", "roster", "holds the outputs of `staffing whatif`"),
        ("replay.csv", "plan", "holds the outputs of `staffing replay` \\(replay.csv\\)"),
        ("requirements.csv", "replay", "holds the outputs of `staffing plan`"),
    ],
)
def test_force_refuses_another_commands_folder(tmp_path, existing, command, message):
    (tmp_path / existing).write_text("x")
    with pytest.raises(InputError, match=message):
        OutputFolder(tmp_path, command, force=True)


def test_a_file_is_not_an_output_folder(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(InputError, match="is a file"):
        OutputFolder(tmp_path / "f", "plan", force=True)
    with pytest.raises(InputError, match="is a file, not a folder"):
        OutputFolder(tmp_path / "f" / "sub", "plan", force=False)


def test_an_output_file_is_checked_first_and_written_whole(tmp_path):
    with pytest.raises(InputError, match=r"folder .*nodir does not exist"):
        OutputFile(tmp_path / "nodir" / "s.csv", force=False)
    with pytest.raises(InputError, match="is a folder"):
        OutputFile(tmp_path, force=True)
    (tmp_path / "s.csv").write_text("old")
    with pytest.raises(InputError, match=r"exists; .*--force"):
        OutputFile(tmp_path / "s.csv", force=False)
    out = OutputFile(tmp_path / "s.csv", force=True)

    def failing(path):
        path.write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        out.write(failing)
    assert (tmp_path / "s.csv").read_text() == "old"
    assert out.write(lambda p: p.write_text("new")) == tmp_path / "s.csv"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.csv"]
    assert (tmp_path / "s.csv").read_text() == "new"


# =========================================================================== what commands write


@pytest.fixture(scope="module")
def planned(desk):
    return plan(desk)


def test_outputs_name_what_plan_and_whatif_write(tmp_path, desk, planned):
    written = write_report(planned, tmp_path / "plan")
    names = {p.name for p in (tmp_path / "plan").iterdir()}
    assert names == {p.name for p in written.values()}
    assert all(owned(n, "plan") for n in names)
    assert OUTPUTS["plan"][0] in names
    swept = sweep.run_sweep(desk, parse_varies(["shrinkage=0.1,0.2"]), workers=1)
    whatif_report.write_whatif(swept, tmp_path / "whatif")
    names = {p.name for p in (tmp_path / "whatif").iterdir()}
    assert all(owned(n, "whatif") for n in names)
    assert set(OUTPUTS["whatif"]) == names


def test_plan_fte_is_over_the_calendar_days_of_a_full_time_week(planned):
    # the desk's one day: one FTE works 8 h on 5 days of 7, 40/7 h a calendar day
    t = planned.best.totals
    assert t.fte == pytest.approx(t.paid_hours / (40.0 / 7.0))
    assert planned.best.costs.fte == t.fte


# =========================================================================== durations


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("8", "shift", "length = '8': 8 s; did you mean \"8h\"\\?"),
        ("30s", "shift", "a shift must be at least 1 h"),
        ("15", "interval", 'did you mean "15min"\\?'),
        ("30", "break", 'did you mean "30min"\\?'),
        ("5h", "aht", "an AHT must be at most 4 h"),
        ("3", "aht", 'did you mean "3min"\\?'),
        ("0", "fte_day", "a full-time day must be at least 1 h"),
    ],
)
def test_implausible_durations_suggest_the_unit(text, kind, message):
    with pytest.raises(InputError, match=message):
        parse_duration(text, "length", plausible=kind)


@pytest.mark.parametrize(
    ("text", "kind", "seconds"),
    [("8h", "shift", 28_800.0), ("15min", "interval", 900.0), ("180", "aht", 180.0)],
)
def test_plausible_durations_pass(text, kind, seconds):
    assert parse_duration(text, "x", plausible=kind) == seconds


def test_a_scenario_shift_of_8_seconds_is_refused(tmp_path, desk_path):
    text = desk_path.read_text().replace('length = "4h"', "length = 8")
    (tmp_path / "f.csv").write_text((desk_path.parent / "f.csv").read_text())
    (tmp_path / "s.toml").write_text(text)
    from staffing.scenario import load_scenario

    with pytest.raises(InputError, match=r'shifts\[0\].length = \'8\': 8 s; did you mean "8h"'):
        load_scenario(tmp_path / "s.toml")


# =========================================================================== value types


def test_caller_behaviour_builds_its_distributions():
    b = CallerBehaviour(patience=120.0, handle_distribution="lognormal", handle_cv=0.5)
    assert b.hangs_up
    assert b.handle_shape().mean == 1.0
    assert b.handle_shape().cv == pytest.approx(0.5)
    assert b.patience_times().mean == 120.0
    assert CallerBehaviour(patience=float("inf")).patience is None
    assert CallerBehaviour().patience_times() is None


def test_returns_size_the_contacts_of_issues():
    assert Returns(fcr=0.8).contacts(np.array([100.0]))[0] == pytest.approx(125.0)
    assert Returns().contacts(np.array([7.0]))[0] == 7.0


def test_targets_know_their_direction():
    t = ServiceTargets(service_level=0.8, asa=30.0, max_occupancy=0.9)
    assert [(x.kpi, x.higher_is_better) for x in t.given()] == [
        ("service_level", True),
        ("asa", False),
        ("occupancy", False),
    ]
    sl, asa, _ = t.given()
    np.testing.assert_array_equal(sl.missed([0.79, 0.8, np.nan]), [True, False, False])
    np.testing.assert_array_equal(asa.missed([31.0, 30.0]), [True, False])
    assert sl.status(0.77, 0.05) == "within tolerance"
    assert asa.status(40.0, 0.05) == "missed"


def test_times_of_day_are_named_without_a_date(tmp_path):
    (tmp_path / "f.csv").write_text("start,calls,aht\n08:00,1,100\n08:30,2,100\n")
    f = read_forecast(tmp_path / "f.csv")
    assert f.start_text() == ["08:00", "08:30"]
    assert f.interval_names([1]) == ["08:30"]
    assert f.source == str(tmp_path / "f.csv")


def test_a_shift_outside_the_forecast_is_refused(tmp_path):
    (tmp_path / "f.csv").write_text(
        "start,calls,aht\n2026-03-03 08:00,1,100\n2026-03-03 08:30,2,100\n"
    )
    (tmp_path / "s.csv").write_text("start,end,headcount\n2026-04-01 08:00,2026-04-01 16:00,3\n")
    from staffing.shifts import read_shifts

    with pytest.raises(InputError, match=r"s\.csv row 2: shift .* lies outside the forecast"):
        read_shifts(tmp_path / "s.csv", read_forecast(tmp_path / "f.csv"))


# =========================================================================== terminal


def test_undefined_kpis_print_as_a_dash():
    assert pct(float("nan")) == DASH
    assert sec(float("inf")) == DASH
    assert with_ci(float("nan"), float("nan"), pct) == DASH
    assert with_ci(0.8, 0.012, pct) == "80.0% ± 1.2"


def test_progress_off_a_terminal_is_step_lines_with_a_heartbeat():
    stream = io.StringIO()
    progress = Progress("day", stream=stream)
    progress.EVERY = 0.2
    with progress:
        progress("simulating", 0, 3)
        progress("simulating", 1, 3)  # too soon after the first: no line
        time.sleep(0.6)  # silent work: the heartbeat speaks
        progress("simulating", 3, 3)
        progress.step("writing")
    lines = stream.getvalue().splitlines()
    assert lines[0] == "simulating: 0/3 days"
    assert any(line.startswith("simulating: 1/3 days (") for line in lines[1:-2])
    assert lines[-2:] == ["simulating: 3/3 days", "writing..."]
    assert "\r" not in stream.getvalue()


# =========================================================================== processes


def test_the_spawn_pool_stops_at_once():
    pool = SpawnPool(1)
    future = pool.submit(pow, 2, 10)
    assert future.result(timeout=60) == 1024
    pool.submit(time.sleep, 60)
    started = time.monotonic()
    pool.shutdown(cancel_futures=True)
    assert time.monotonic() - started < 10  # terminated, not waited for (60 s)


def test_loading_a_scenario_loads_no_engine_solver_or_plotting():
    code = (
        "import sys; from staffing.scenario import load_scenario; "
        f"load_scenario({str(ROOT / 'simulations' / 'healthcare_week.toml')!r}); "
        "print(sorted(m for m in ('simpy', 'numba', 'matplotlib', 'ortools', "
        "'scipy.optimize', 'staffing.simulation', 'staffing.scheduling') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_public_api_loads_names_on_first_use():
    import staffing

    assert round(float(staffing.erlang_c(10.0, 14)), 4) == 0.1741  # as in the README
    assert staffing.erlang_kpis(100, 180, 14).service_level == pytest.approx(0.8884, abs=1e-4)
    for name in staffing.__all__:
        assert getattr(staffing, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = staffing.nothing
    done = subprocess.run(
        [sys.executable, "-c", "import sys, staffing; print('numpy' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "False"
