"""What-if sweeps: parsing --vary, applying variants, running them anywhere, the CLI verb."""

import dataclasses
import sys
from concurrent.futures import Executor, Future, ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from staffing import sweep, whatif
from staffing.cli import main
from staffing.errors import InputError
from staffing.scenario import load_scenario

SCENARIO = """
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
[costs]
hourly_wage = 20.0
[simulation]
replications = 4
seed = 5
rounds = 0
"""
CALLS = [30, 60, 90, 90, 60, 40, 40, 30, 30, 60, 80, 80, 60, 40, 30, 20]  # 08:00-16:00


@pytest.fixture(scope="module")
def desk_path(tmp_path_factory):
    folder = tmp_path_factory.mktemp("desk")
    rows = "\n".join(f"{8 + i // 2:02d}:{30 * (i % 2):02d},{c},240" for i, c in enumerate(CALLS))
    (folder / "f.csv").write_text("start,calls,aht\n" + rows + "\n")
    path = folder / "desk.toml"
    path.write_text(SCENARIO)
    return path


@pytest.fixture(scope="module")
def desk(desk_path):
    return load_scenario(desk_path)


def threads(scenario, varies, workers=2):
    with ThreadPoolExecutor(workers) as pool:
        return sweep.run_sweep(scenario, varies, executor=pool)


# ----------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "key", "values"),
    [
        ("volume=0.9:1.2:0.05", "volume", [0.9, 0.95, 1.0, 1.05, 1.1, 1.15, 1.2]),
        ("volume=0.1:0.3:0.1", "volume", [0.1, 0.2, 0.3]),  # 0.1 + 0.1 + 0.1 != 0.3 in floats
        ("volume=1:1.25:0.1", "volume", [1.0, 1.1, 1.2]),  # TO not on the grid: stop below it
        ("volume=1:1:0.1", "volume", [1.0]),
        ("aht=-30:30:15", "aht", [-30.0, -15.0, 0.0, 15.0, 30.0]),
        ("aht=-1min:+30s:30s", "aht", [-60.0, -30.0, 0.0, 30.0]),
        ("shrinkage=25%:35%:5%", "shrinkage", [0.25, 0.3, 0.35]),
        ("patience=1min:3min:1min", "patience", [60.0, 120.0, 180.0]),
        ("service_level=0.8:0.9:0.05", "service_level", [0.8, 0.85, 0.9]),
    ],
)
def test_grid_is_inclusive_and_exact(text, key, values):
    assert whatif.parse_vary(text) == (key, values)


@pytest.mark.parametrize(
    ("text", "key", "values"),
    [
        ("shrinkage=0.25,35%", "shrinkage", [0.25, 0.35]),
        ("patience=3min, none", "patience", [180.0, None]),
        ("service_level=85%", "service_level", [0.85]),
        ("threshold=20s,1min", "threshold", [20.0, 60.0]),
        ("abandon_rate=5%,0.08", "abandon_rate", [0.05, 0.08]),
        ("wage=16,18.5", "wage", [16.0, 18.5]),
        ("fcr=80%,1", "fcr", [0.8, 1.0]),
        ("redial=0,20%", "redial", [0.0, 0.2]),
        ("repeat_delay=30min,1h", "repeat_delay", [1800.0, 3600.0]),
        ("redial_delay=90s", "redial_delay", [90.0]),
        (" AHT-Factor = 0.9,1.1", "aht_factor", [0.9, 1.1]),
    ],
)
def test_lists_take_the_units_of_their_key(text, key, values):
    assert whatif.parse_vary(text) == (key, values)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("colour=1,2", "unknown key 'colour'; allowed keys: volume, aht, aht_factor"),
        ("volume", "expected KEY=FROM:TO:STEP (inclusive) or KEY=A,B,C; allowed keys: volume"),
        ("volume=", "allowed keys: volume, aht"),
        ("volume=1,x", "'x': expected a number like 1.1"),
        ("volume=0.9:x:0.05", "volume=0.9:x:0.05' TO = 'x': expected a number"),
        ("volume=1.2:0.9:0.05", "FROM '1.2' is above TO '0.9'; the grid is empty"),
        ("volume=0.9:1.2:0", "STEP = '0': must be > 0"),
        ("aht=-30:30:0", "STEP = '0'; the step must be > 0"),
        ("aht=-30:30:-15", "STEP = '-15'; the step must be > 0"),
        ("volume=0.9:1.2", "a grid is FROM:TO:STEP"),
        ("volume=-1", "must be > 0"),
        ("volume=1,1.0", "1 is listed twice"),
        ("shrinkage=30", "for a percentage write 30%"),
        ("patience=1min:none:1min", "a grid takes numbers"),
        ("patience=0", "patience must be > 0 seconds"),
        ("aht=3x", "unknown unit 'x'"),
        ("volume=0.5:1000:0.5", "2000 values; a sweep plans at most 1000 variants"),
    ],
)
def test_bad_vary_is_one_line_naming_the_flag(text, expected):
    with pytest.raises(InputError) as caught:
        whatif.parse_vary(text)
    message = str(caught.value)
    assert message.startswith("--vary ")
    assert "\n" not in message
    assert expected in message


def test_a_value_error_says_what_the_key_takes():
    with pytest.raises(InputError, match=r"volume is a multiplier on every interval's calls, e\.g"):
        whatif.parse_vary("volume=abc")


def test_a_key_varies_once():
    assert whatif.parse_varies(["volume=0.9,1", "fcr=0.8"]) == {"volume": [0.9, 1.0], "fcr": [0.8]}
    with pytest.raises(InputError, match="volume is varied twice"):
        whatif.parse_varies(["volume=0.9", "volume=1.1"])


def test_variants_are_the_product_in_a_stable_order():
    grid = whatif.variants({"volume": [0.9, 1.1], "shrinkage": [0.3, 0.2], "patience": [None]})
    assert grid == [
        {"volume": 0.9, "shrinkage": 0.3, "patience": None},
        {"volume": 0.9, "shrinkage": 0.2, "patience": None},
        {"volume": 1.1, "shrinkage": 0.3, "patience": None},
        {"volume": 1.1, "shrinkage": 0.2, "patience": None},
    ]
    with pytest.raises(InputError, match="nothing to vary"):
        whatif.variants({})
    with pytest.raises(InputError, match="unknown key 'speed'"):
        whatif.variants({"speed": [1.0]})
    with pytest.raises(InputError, match="volume: no values"):
        whatif.variants({"volume": []})
    with pytest.raises(InputError, match="1010 variants; a sweep plans at most 1000"):
        whatif.variants({"volume": list(range(1, 102)), "shrinkage": [i / 100 for i in range(10)]})


# ----------------------------------------------------------------------------- appliers


def diff(old, new, where=""):
    """Dotted names of the fields that differ between two scenarios, down to the leaves."""
    if dataclasses.is_dataclass(old):
        return set().union(
            *(
                diff(getattr(old, f.name), getattr(new, f.name), f"{where}{f.name}.")
                for f in dataclasses.fields(old)
            )
        )
    same = np.array_equal(old, new) if isinstance(old, np.ndarray) else old == new
    return set() if same else {where.rstrip(".")}


def test_volume_and_aht_change_the_forecast_only(desk):
    fc = desk.forecast
    more = whatif.apply_variant(desk, {"volume": 1.1})
    assert diff(desk, more) == {"forecast.calls"}
    np.testing.assert_allclose(more.forecast.calls, fc.calls * 1.1)

    faster = whatif.apply_variant(desk, {"aht": -15.0})
    assert diff(desk, faster) == {"forecast.aht"}
    np.testing.assert_array_equal(faster.forecast.aht, fc.aht - 15.0)

    longer = whatif.apply_variant(desk, {"aht_factor": 1.5})
    assert diff(desk, longer) == {"forecast.aht"}
    np.testing.assert_allclose(longer.forecast.aht, fc.aht * 1.5)
    assert (desk.forecast.aht == 240.0).all()  # the base scenario is untouched


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("shrinkage", 0.35, "shrinkage"),
        ("patience", None, "callers.patience"),
        ("patience", 300.0, "callers.patience"),
        ("service_level", 0.9, "targets.service_level"),
        ("threshold", 30.0, "targets.threshold"),
        ("abandon_rate", 0.05, "targets.abandon_rate"),
        ("wage", 25.0, "costs.hourly_wage"),
        ("fcr", 0.7, "callers.returns.fcr"),
        ("redial", 0.3, "callers.returns.redial"),
        ("repeat_delay", 600.0, "callers.returns.repeat_delay"),
        ("redial_delay", 120.0, "callers.returns.redial_delay"),
    ],
)
def test_each_key_sets_its_field_and_nothing_else(desk, key, value, field):
    variant = whatif.apply_variant(desk, {key: value})
    assert diff(desk, variant) == {field}
    leaf = variant
    for name in field.split("."):
        leaf = getattr(leaf, name)
    assert leaf == value


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ({"aht": -240.0}, "AHT 240 s -240 s = 0 s in the interval starting 08:00"),
        ({"fcr": 0.0}, "first-contact resolution must be > 0"),
        ({"redial": 1.0}, "redial = 1.0; must be >= 0 and < 1"),
        ({"service_level": 1.0}, "service_level"),
        ({"shrinkage": 1.0}, "shrinkage must be below 100%"),
        ({"wage": -1.0}, "hourly_wage"),
    ],
)
def test_a_value_the_scenario_rejects_names_the_variant(desk, variant, expected):
    with pytest.raises(InputError) as caught:
        sweep.run_sweep(desk, {k: [v] for k, v in variant.items()})
    message = str(caught.value)
    assert message.startswith(f"variant {whatif.describe(variant)}: ")
    assert expected in message
    assert "\n" not in message


# ----------------------------------------------------------------------------- running


@pytest.fixture(scope="module")
def volume_by_shrinkage(desk):
    return threads(desk, {"volume": [0.8, 1.0, 1.2, 1.4], "shrinkage": [0.2, 0.3]})


def test_table_has_one_row_per_variant_in_order(volume_by_shrinkage):
    table = volume_by_shrinkage.table
    assert list(table.columns) == ["volume", "shrinkage", *sweep.RESULT_COLUMNS]
    grid = whatif.variants({"volume": [0.8, 1.0, 1.2, 1.4], "shrinkage": [0.2, 0.3]})
    assert table[["volume", "shrinkage"]].to_dict("records") == grid
    assert table["agents"].dtype == np.int64
    assert (table["service level 95% CI"] > 0).all()
    assert (table["repeats"] == 0).all()  # FCR 1 and no redials: nothing comes back


def test_same_sweep_twice_gives_the_same_table(desk, volume_by_shrinkage):
    again = threads(desk, {"volume": [0.8, 1.0, 1.2, 1.4], "shrinkage": [0.2, 0.3]}, workers=1)
    pd.testing.assert_frame_equal(again.table, volume_by_shrinkage.table)


ACROSS = {"volume": [0.9, 1.2], "fcr": [0.8, 1.0]}


@pytest.fixture(scope="module")
def across_threads(desk):
    return threads(desk, ACROSS, workers=1).table


def test_the_default_process_pool_gives_the_thread_table(desk, across_threads):
    calls = []
    pooled = sweep.run_sweep(
        desk, ACROSS, workers=2, progress=lambda done, total: calls.append((done, total))
    )
    pd.testing.assert_frame_equal(pooled.table, across_threads)
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_a_dask_cluster_gives_the_thread_table(desk, across_threads):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        on_dask = sweep.run_sweep(desk, ACROSS, executor=client.get_executor())
    pd.testing.assert_frame_equal(on_dask.table, across_threads)


def test_a_variant_failing_in_its_worker_is_named(desk):
    class Failing(Executor):
        def submit(self, fn, /, *args, **kwargs):
            future = Future()
            future.set_exception(InputError("no shift could be scheduled"))
            return future

    with pytest.raises(InputError, match=r"^variant volume=1\.1: no shift could be scheduled$"):
        sweep.run_sweep(desk, {"volume": [1.1]}, executor=Failing())


def test_more_volume_needs_more_agents(volume_by_shrinkage):
    # rounds = 0 and one shift pattern: the Erlang requirement is monotone in volume, so the
    # least-cost schedule covering it is too, in agents and in paid hours
    for _, rows in volume_by_shrinkage.table.groupby("shrinkage"):
        assert rows["agents"].is_monotonic_increasing
        assert (np.diff(rows["paid hours"]) > 0).all()
        assert (np.diff(rows["contacts offered"]) > 0).all()


def test_shrinkage_changes_paid_hours_not_the_schedule(volume_by_shrinkage):
    # common random numbers: the same schedule meets the same callers, so everything but
    # the paid hours and what they cost is identical, and paid hours scale by 0.8 / 0.7
    table = volume_by_shrinkage.table.set_index(["volume", "shrinkage"])
    low = table.xs(0.2, level="shrinkage")
    high = table.xs(0.3, level="shrinkage")
    same = ["agents", "contacts offered", "service level", "ASA s", "abandon rate", "occupancy"]
    pd.testing.assert_frame_equal(low[same], high[same])
    np.testing.assert_allclose(high["paid hours"] / low["paid hours"], 0.8 / 0.7)
    np.testing.assert_allclose(high["cost"] / low["cost"], 0.8 / 0.7)


def test_a_higher_target_needs_at_least_as_many_agents(desk):
    table = threads(desk, {"service_level": [0.6, 0.8, 0.9, 0.95]}).table
    assert table["agents"].is_monotonic_increasing
    assert table["agents"].iloc[-1] > table["agents"].iloc[0]
    # the 95% target is met on the whole day in simulation
    assert table["service level"].iloc[-1] >= 0.95


def test_fcr_shows_up_as_volume(desk):
    # with first-contact resolution f an issue takes 1/f contacts, so offered contacts rise
    # by 1/0.8 = 1.25. Tolerance 3 %: abandoned callers (about 2 % here) do not come back as
    # repeats, a repeat due after closing is lost (repeat_delay 60 s makes that rare), and
    # the repeats themselves are random (about 800 of them over 4 days: ±0.7 % of offered).
    table = threads(desk, {"fcr": [0.8, 1.0], "repeat_delay": [60.0]}).table
    unresolved, resolved = table.iloc[0], table.iloc[1]
    assert resolved["repeats"] == 0
    assert unresolved["repeats"] > 0
    ratio = unresolved["contacts offered"] / resolved["contacts offered"]
    assert ratio == pytest.approx(1 / 0.8, rel=0.03)
    # the fresh callers are the same (common random numbers): the extra is the repeats
    assert unresolved["contacts offered"] - unresolved["repeats"] == resolved["contacts offered"]
    assert unresolved["agents"] > resolved["agents"]  # Erlang sized for calls / fcr
    # cost per issue: the cost over first contacts (the same fresh callers in both rows)
    first = resolved["contacts offered"]
    for row in (unresolved, resolved):
        assert row["cost per issue"] == pytest.approx(row["cost"] / first, rel=1e-12)
    assert unresolved["cost per issue"] > resolved["cost per issue"]


# ----------------------------------------------------------------------------- output


def test_write_refuses_a_folder_in_use_and_writes_the_files(volume_by_shrinkage, tmp_path):
    out = tmp_path / "whatif"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="--force"):
        volume_by_shrinkage.write(out)
    paths = volume_by_shrinkage.write(out, force=True)
    assert set(paths) == {"table", "summary", "agents_cost", "service_level", "tradeoff"}
    assert (out / "notes.txt").read_text() == "mine"
    for path in paths.values():
        assert path.stat().st_size > 0
    for name in sweep.CHART_FILES:
        assert paths[name].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    back = pd.read_csv(paths["table"])
    pd.testing.assert_frame_equal(back, volume_by_shrinkage.table)
    text = paths["summary"].read_text()
    assert "# What-if sweep: small desk" in text
    assert "common random numbers" in text
    first, last = volume_by_shrinkage.table.iloc[0], volume_by_shrinkage.table.iloc[6]
    assert f"- volume 0.8 → 1.4: agents {first.agents:.0f} → {last.agents:.0f} (+" in text
    assert "(shrinkage at 20%)" in text
    assert "| volume | shrinkage | agents |" in text
    assert "![tradeoff](tradeoff.png)" in text


def test_headlines_compare_the_ends_of_each_key(volume_by_shrinkage):
    lines = volume_by_shrinkage.headlines()
    assert len(lines) == 2
    assert lines[0].startswith("volume 0.8 → 1.4: agents ")
    assert lines[1].startswith("shrinkage 20% → 30%: agents ")
    assert "+0 %" in lines[1]  # shrinkage adds paid hours, not agents on the phones
    assert "cost per contact" in lines[1]


def test_patience_none_is_infinite_in_the_table(desk, tmp_path):
    result = threads(desk, {"patience": [60.0, None]})
    assert result.table["patience"].tolist() == [60.0, np.inf]
    assert result.table["abandon rate"].iloc[1] == 0.0
    assert result.display()["patience"].tolist() == ["60 s", "none"]
    assert "patience 60 s → none" in result.headlines()[0]
    result.write(tmp_path / "out")


# ----------------------------------------------------------------------------- CLI


def test_whatif_command(desk_path, tmp_path, capsys):
    out = tmp_path / "sweep"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    argv = ["whatif", str(desk_path), "--vary", "volume=0.9:1.1:0.1", "--out", str(out)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("staffing: error: --out")
    assert "--force" in err
    assert main([*argv, "--force", "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    assert "small desk: 3 variants of volume 0.9, 1, 1.1" in printed
    assert "volume 0.9 → 1.1: agents" in printed
    header = next(line.split() for line in printed.splitlines() if "agents" in line)
    assert header[:3] == ["volume", "agents", "paid"]
    for name in ("whatif.csv", "whatif.md", "agents_cost.png", "service_level.png"):
        assert (out / name).exists()
        assert str(out / name) in printed
    assert (out / "keep.txt").read_text() == "mine"
    assert len(pd.read_csv(out / "whatif.csv")) == 3


@pytest.mark.parametrize(
    ("vary", "expected"),
    [
        ("speed=1,2", "unknown key 'speed'"),
        ("volume=1.2:0.9:0.1", "the grid is empty"),
        ("aht=-240", "AHT must stay > 0"),
    ],
)
def test_whatif_bad_vary_is_exit_2_and_one_line(desk_path, tmp_path, capsys, vary, expected):
    code = main(["whatif", str(desk_path), "--vary", vary, "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith("staffing: error: ")
    assert expected in err
    assert not (tmp_path / "o").exists()


def test_scheduler_without_distributed_says_what_to_install(
    desk_path, tmp_path, capsys, monkeypatch
):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    argv = ["whatif", str(desk_path), "--vary", "volume=1", "--out", str(tmp_path / "o")]
    assert main([*argv, "--scheduler", "tcp://127.0.0.1:8786"]) == 2
    assert "pip install 'staffing[dask]'" in capsys.readouterr().err
