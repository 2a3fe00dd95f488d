"""What-if sweeps: running variants anywhere with the same results, the table, output, CLI."""

import dataclasses
import sys
from concurrent.futures import Executor, Future, ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from staffing import sweep, whatif
from staffing.cli import main
from staffing.errors import InputError
from staffing.report import whatif_report


def threads(scenario, varies, workers=2):
    with ThreadPoolExecutor(workers) as pool:
        return sweep.run_sweep(scenario, varies, executor=pool)


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


@pytest.mark.parametrize(
    ("varies", "needs"),
    [
        ({"repeat_delay": [1800.0, 7200.0]}, "fcr"),
        ({"redial_delay": [60.0, 600.0]}, "redial"),
        ({"patience": [None], "redial": [0.0, 0.3]}, "patience"),
    ],
)
def test_a_key_that_changes_nothing_is_refused_before_planning(desk, varies, needs):
    # the desk has FCR 100 % and no redials: these keys would give identical rows
    with pytest.raises(InputError, match=rf"^--vary \w+: changes nothing, .*{needs}"):
        sweep.run_sweep(desk, varies, workers=1)


def test_an_unset_target_varied_from_none_is_written(desk, tmp_path):
    # with no abandonment target in the scenario, its value reads "none" in the summary
    result = sweep.run_sweep(
        dataclasses.replace(desk, targets=dataclasses.replace(desk.targets, abandon_rate=None)),
        {"abandon_rate": [0.05, 0.10]},
        workers=1,
    )
    paths = whatif_report.write_whatif(result, tmp_path / "out")
    assert "abandon_rate" in paths["summary"].read_text()


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
    # the paid hours and what they cost is identical; the schedule's paid hours scale by
    # 0.8 / 0.7, and the overtime past shift ends (the same callers, the same time worked)
    # does not: paid = s / 0.8 + o and s / 0.7 + o, so s and o follow from the two
    table = volume_by_shrinkage.table.set_index(["volume", "shrinkage"])
    low = table.xs(0.2, level="shrinkage")
    high = table.xs(0.3, level="shrinkage")
    same = ["agents", "contacts offered", "service level", "ASA s", "abandon rate", "occupancy"]
    pd.testing.assert_frame_equal(low[same], high[same])
    scheduled = (high["paid hours"] - low["paid hours"]) / (1 / 0.7 - 1 / 0.8)
    overtime = low["paid hours"] - scheduled / 0.8
    assert ((overtime >= 0) & (overtime < 0.05 * low["paid hours"])).all()
    np.testing.assert_allclose(high["cost"] / low["cost"], high["paid hours"] / low["paid hours"])


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
    # cost per issue: cost per contact handled x contacts per first contact (the same fresh
    # callers in both rows); without returns it is the cost per contact
    first = resolved["contacts offered"]
    for row in (unresolved, resolved):
        expected = row["cost per contact"] * row["contacts offered"] / first
        assert row["cost per issue"] == pytest.approx(expected, rel=1e-12)
    assert resolved["cost per issue"] == resolved["cost per contact"]
    assert unresolved["cost per issue"] > resolved["cost per issue"]


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ({"aht": -240.0}, "AHT 240 s -240 s = 0 s in the interval starting 08:00"),
        ({"fcr": 0.0}, "first-contact resolution must be > 0"),
        ({"redial": 1.0}, "redial = 1.0; must be >= 0 and < 1"),
        ({"service_level": 1.0}, "service_level"),
        ({"shrinkage": 1.0}, "shrinkage = 1; shrinkage must be >= 0 and below 100%"),
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


# ----------------------------------------------------------------------------- output


def test_write_refuses_a_folder_in_use_and_writes_the_files(volume_by_shrinkage, tmp_path):
    out = tmp_path / "whatif"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="--force"):
        whatif_report.write_whatif(volume_by_shrinkage, out)
    paths = whatif_report.write_whatif(volume_by_shrinkage, out, force=True)
    assert set(paths) == {"table", "summary", "agents_cost", "service_level", "tradeoff"}
    assert (out / "notes.txt").read_text() == "mine"
    for path in paths.values():
        assert path.stat().st_size > 0
    for name in whatif_report.CHART_FILES:
        assert paths[name].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    back = pd.read_csv(paths["table"])
    pd.testing.assert_frame_equal(back, volume_by_shrinkage.table)
    text = paths["summary"].read_text()
    assert "# What-if sweep: small desk" in text
    assert "common random numbers" in text
    first, last = volume_by_shrinkage.table.iloc[0], volume_by_shrinkage.table.iloc[6]
    agents = f"agents on the phones {first.agents:.0f} → {last.agents:.0f} (+"
    assert f"- volume 0.8 → 1.4: {agents}" in text
    assert "(shrinkage at 20%)" in text
    assert "| volume | shrinkage | agents |" in text
    assert "![tradeoff](tradeoff.png)" in text


def test_headlines_compare_the_ends_of_each_key(volume_by_shrinkage):
    lines = whatif_report.headlines(volume_by_shrinkage)
    assert len(lines) == 2
    assert lines[0].startswith("volume 0.8 → 1.4: agents on the phones ")
    assert lines[1].startswith("shrinkage 20% → 30%: agents on the phones ")
    # shrinkage adds positions (agents / (1 - shrinkage)), not agents on the phones
    table = volume_by_shrinkage.table
    low, high = table.iloc[0], table[table["shrinkage"] == 0.3].iloc[0]
    assert high.agents == low.agents
    assert high.positions == pytest.approx(low.positions * 0.8 / 0.7)
    assert f"positions {low.positions:,.1f} → {high.positions:,.1f} (+14 %)" in lines[1]
    assert "cost per contact" in lines[1]


def test_patience_none_is_infinite_in_the_table(desk, tmp_path):
    result = threads(desk, {"patience": [60.0, None]})
    assert result.table["patience"].tolist() == [60.0, np.inf]
    assert result.table["abandon rate"].iloc[1] == 0.0
    assert whatif_report.display(result)["patience"].tolist() == ["60 s", "none"]
    assert "patience 60 s → none" in whatif_report.headlines(result)[0]
    whatif_report.write_whatif(result, tmp_path / "out")


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
    assert "volume 0.9 → 1.1: agents on the phones" in printed
    header = next(line.split() for line in printed.splitlines() if "agents" in line)
    assert header[:4] == ["volume", "agents", "positions", "paid"]
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


def test_a_csat_curve_predicts_each_variants_csat(desk_path, tmp_path, capsys):
    # [scorecard] csat_curve: every variant's kept plan gets the CSAT its simulated waits
    # give under the curve (staffing.satisfaction), and the plan's summary says it
    from staffing.plan import plan, predicted_csat
    from staffing.report.plan_report import write_report
    from staffing.satisfaction import WaitSatisfaction
    from staffing.scenario import load_scenario

    (desk_path.parent / "csat_wait.toml").write_text(WaitSatisfaction(0.9, 10.0, 0.05).toml())
    path = desk_path.parent / "desk_csat.toml"
    path.write_text(desk_path.read_text() + '\n[scorecard]\ncsat_curve = "csat_wait.toml"\n')
    scenario = load_scenario(path)
    table = threads(scenario, {"volume": [0.8, 1.2]}).table
    csat = table["CSAT predicted"].to_numpy()
    assert ((csat > 0.5) & (csat < 0.9)).all()
    result = plan(whatif.apply_variant(scenario, {"volume": 0.8}))
    table_row = table.iloc[0]
    assert predicted_csat(result.scenario, result.best.simulation) == pytest.approx(
        table_row["CSAT predicted"]
    )
    summary = write_report(result, tmp_path / "p")["summary"].read_text()
    assert f"Predicted CSAT: {100 * table_row['CSAT predicted']:.1f}%" in summary
    # without a curve the column is empty and not shown
    plain = threads(load_scenario(desk_path), {"volume": [1.0]})
    assert plain.table["CSAT predicted"].isna().all()
    assert "CSAT" not in " ".join(whatif_report.display(plain).columns)
    # a curve file that is not there is named
    path.write_text(desk_path.read_text() + '\n[scorecard]\ncsat_curve = "nope.toml"\n')
    with pytest.raises(InputError, match=r"scorecard.csat_curve = 'nope.toml': no such file"):
        load_scenario(path)
