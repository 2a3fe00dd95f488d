"""What-if variants of a center of several queues: keys per queue or for all, and the sweep."""

import dataclasses
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from staffing import sweep, whatif
from staffing.cli import main
from staffing.errors import InputError
from staffing.scenario import load_scenario

BANK = Path(__file__).resolve().parent.parent / "simulations" / "bank_center_plan.toml"
QUEUES = "service_en, service_fr, cards, mortgages"


@pytest.fixture(scope="module")
def bank():
    return load_scenario(BANK)


def queues(scenario):
    return {q.name: q for q in scenario.center.queues}


# ----------------------------------------------------------------------------- applying


def test_a_queue_key_scales_that_queue_alone(bank):
    variant = whatif.apply_variant(bank, {"volume:cards": 1.1})
    before, after = queues(bank), queues(variant)
    np.testing.assert_array_equal(
        after["cards"].forecast.calls, before["cards"].forecast.calls * 1.1
    )
    np.testing.assert_array_equal(after["cards"].forecast.aht, before["cards"].forecast.aht)
    for name in ("service_en", "service_fr", "mortgages"):
        assert after[name] is before[name]
    # the scenario's pooled forecast is the new center's: the cards' extra calls, no more
    extra = variant.forecast.calls - bank.forecast.calls
    np.testing.assert_allclose(extra, 0.1 * before["cards"].forecast.calls, atol=1e-9)
    assert variant.center.groups == bank.center.groups
    assert (variant.targets, variant.callers) == (bank.targets, bank.callers)


def test_a_plain_key_scales_every_queue(bank):
    variant = whatif.apply_variant(bank, {"volume": 1.1})
    before, after = queues(bank), queues(variant)
    for name, queue in before.items():
        np.testing.assert_array_equal(after[name].forecast.calls, queue.forecast.calls * 1.1)
    np.testing.assert_allclose(variant.forecast.calls, bank.forecast.calls * 1.1)
    np.testing.assert_allclose(variant.forecast.aht, bank.forecast.aht)  # same mix of calls


def test_aht_per_queue_and_for_all(bank):
    before = queues(bank)
    one = queues(whatif.apply_variant(bank, {"aht:mortgages": 30.0}))
    np.testing.assert_array_equal(
        one["mortgages"].forecast.aht, before["mortgages"].forecast.aht + 30
    )
    assert one["cards"] is before["cards"]
    every = queues(whatif.apply_variant(bank, {"aht_factor": 1.2}))
    for name, queue in before.items():
        np.testing.assert_array_equal(every[name].forecast.aht, queue.forecast.aht * 1.2)


def test_callers_and_targets_per_queue_and_for_all(bank):
    one = whatif.apply_variant(bank, {"patience:cards": 60.0, "service_level:mortgages": 0.9})
    after = queues(one)
    assert after["cards"].callers.patience == 60.0
    assert after["mortgages"].targets.service_level == 0.9
    assert after["mortgages"].targets.threshold == 60.0  # its own 80/60 keeps its answer time
    assert after["service_en"].callers.patience == 180.0
    assert after["service_en"].targets.service_level == 0.8
    assert one.targets == bank.targets
    assert one.callers == bank.callers

    every = whatif.apply_variant(bank, {"patience": 90.0, "abandon_rate": 0.02})
    assert {q.callers.patience for q in every.center.queues} == {90.0}
    assert {q.targets.abandon_rate for q in every.center.queues} == {0.02}
    # the defaults the queues start from follow the plain key
    assert (every.callers.patience, every.targets.abandon_rate) == (90.0, 0.02)


def test_a_forecast_patience_column_gives_way_to_a_varied_patience(bank):
    cards = queues(bank)["cards"]
    column = dataclasses.replace(cards, patience=np.full(cards.forecast.n_intervals, 45.0))
    center = dataclasses.replace(
        bank.center, queues=(*bank.center.queues[:2], column, bank.center.queues[3])
    )
    with_column = dataclasses.replace(bank, center=center)
    after = queues(whatif.apply_variant(with_column, {"patience:cards": 200.0}))["cards"]
    assert after.patience is None
    assert after.callers.patience == 200.0


def test_shrinkage_and_wage_are_the_centers(bank):
    assert whatif.apply_variant(bank, {"shrinkage": 0.25}).shrinkage == 0.25
    paid = whatif.apply_variant(bank, {"wage": 20.0})
    assert [g.hourly_wage for g in bank.center.groups] == [None, 25.0, 31.0]
    assert [g.hourly_wage for g in paid.center.groups] == [None, None, None]
    assert paid.costs.hourly_wage == 20.0
    assert [g.skills for g in paid.center.groups] == [g.skills for g in bank.center.groups]


def test_a_center_scenario_pickles_for_the_process_pool(bank):
    again = pickle.loads(pickle.dumps(bank))
    assert again.center.groups == bank.center.groups
    assert again.center.groups[2].handle_factor == {"service_en": 1.15}


# ----------------------------------------------------------------------------- errors


def message(call, *args):
    with pytest.raises(InputError) as caught:
        call(*args)
    return str(caught.value)


def test_an_unknown_queue_names_the_key_and_lists_the_queues(bank):
    assert message(whatif.apply_variant, bank, {"volume:salse": 1.1}) == (
        f"--vary volume:salse: {BANK} has no queue 'salse'; its queues: {QUEUES}"
    )


def test_a_queue_key_on_one_queue_is_refused(desk):
    assert message(whatif.apply_variant, desk, {"volume:sales": 1.1}) == (
        f"--vary volume:sales: {desk.path} has one queue (no [[queues]]); vary volume "
        "without ':sales'"
    )


def test_keys_of_the_whole_center_refuse_a_queue():
    assert message(whatif.parse_vary, "shrinkage:q=25%") == (
        "--vary 'shrinkage:q=25%': shrinkage applies to the whole center, not to one queue; "
        "give shrinkage=25%:35%:5% without ':q'"
    )
    assert message(whatif.parse_vary, "wage:q=20").startswith(
        "--vary 'wage:q=20': wage applies to the whole center"
    )
    assert message(whatif.parse_vary, "fcr:q=0.8") == (
        "--vary 'fcr:q=0.8': fcr cannot vary per queue: contacts that come back (fcr, "
        "redial, repeat_delay, redial_delay) are simulated for scenarios of one queue only"
    )
    assert message(whatif.parse_vary, "volume:=1.1") == (
        "--vary 'volume:=1.1': name a queue after the colon, e.g. volume:sales=0.9:1.2:0.05"
    )


def test_contacts_that_come_back_cannot_vary_a_center(bank):
    assert message(whatif.apply_variant, bank, {"fcr": 0.8}) == (
        f"--vary fcr: {BANK} has [[queues]], and contacts that come back (fcr, redial, "
        "repeat_delay, redial_delay) are simulated for scenarios of one queue only"
    )


def test_a_queue_value_out_of_range_names_the_variant_and_the_queue(bank):
    text = message(whatif.apply_variant, bank, {"aht:cards": -1000.0})
    assert text.startswith("variant aht:cards=-1000 s: queue 'cards': AHT 199 s -1000 s")


def test_a_queue_key_parses_with_the_queue_kept():
    assert whatif.parse_vary("Volume:sales=0.9:1.1:0.1") == ("volume:sales", [0.9, 1.0, 1.1])
    assert whatif.parse_varies(["volume=1.1", "volume:sales=1,1.2"]) == {
        "volume": [1.1],
        "volume:sales": [1.0, 1.2],
    }
    assert whatif.describe({"volume:sales": 1.2, "patience:chat": None}) == (
        "volume:sales=1.2, patience:chat=none"
    )


# ----------------------------------------------------------------------------- sweeping

TINY = """
name = "tiny center"
[targets]
service_level = "80/20"
abandon_rate = "10%"
[callers]
patience = "2min"
[staffing]
shrinkage = "20%"
[[queues]]
name = "a"
forecast = "a.csv"
[[queues]]
name = "b"
forecast = "b.csv"
patience = "3min"
[[groups]]
name = "ga"
skills = ["a", "b"]
shifts = ["four hours"]
[[groups]]
name = "gb"
skills = ["b"]
shifts = ["four hours"]
hourly_wage = 25.0
[[shifts]]
name = "four hours"
length = "4h"
starts = { from = "08:00", to = "10:00", every = "1h" }
[costs]
hourly_wage = 20.0
[simulation]
replications = 4
seed = 3
rounds = 1
"""
CALLS = {
    "a": [20, 30, 40, 40, 30, 30, 20, 20, 10, 10, 10, 10],
    "b": [10, 15, 20, 20, 15, 15, 10, 10, 10, 5, 5, 5],
}
AHT = {"a": 180, "b": 240}
VOLUMES = [1.5, 1.0]  # not sorted: rows must keep this order


@pytest.fixture(scope="module")
def tiny_path(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny")
    for name, calls in CALLS.items():
        rows = [f"{8 + i // 2:02d}:{30 * (i % 2):02d},{c},{AHT[name]}" for i, c in enumerate(calls)]
        (folder / f"{name}.csv").write_text("start,calls,aht\n" + "\n".join(rows) + "\n")
    path = folder / "center.toml"
    path.write_text(TINY)
    return path


@pytest.fixture(scope="module")
def tiny_sweep(tiny_path):
    return sweep.run_sweep(load_scenario(tiny_path), {"volume:a": VOLUMES}, workers=1)


def test_a_center_sweep_has_the_columns_and_the_order_of_its_variants(tiny_sweep):
    table = tiny_sweep.table
    per_queue = [sweep.queue_column(c, q) for q in ("a", "b") for c in sweep.QUEUE_COLUMNS]
    assert list(table.columns) == ["volume:a", *sweep.RESULT_COLUMNS, *per_queue]
    assert table["volume:a"].tolist() == VOLUMES
    assert table["agents"].dtype == np.int64
    assert table["intervals missing a target:a"].dtype == np.int64
    # offered: the forecast's calls, Poisson in simulation; 1.5 x a's 250 calls plus b's 140
    offered = np.array(VOLUMES) * sum(CALLS["a"]) + sum(CALLS["b"])
    np.testing.assert_allclose(table["contacts offered"], offered, rtol=0.08)
    assert (table[["repeats", "redials", "returns outside"]] == 0).all().all()
    np.testing.assert_allclose(table["cost per issue"], table["cost per contact"])
    np.testing.assert_allclose(table["positions"], table["agents"] / 0.8)


def test_more_volume_on_one_queue_does_not_lower_the_cost(tiny_sweep):
    more, base = tiny_sweep.table.iloc[0], tiny_sweep.table.iloc[1]
    assert more["cost"] >= base["cost"]
    assert more["paid hours"] >= base["paid hours"]
    assert more["agents"] >= base["agents"]


def test_the_base_variant_is_the_centers_plan(tiny_path, tiny_sweep):
    from staffing.center_plan import plan_center

    planned = plan_center(load_scenario(tiny_path))
    base = tiny_sweep.table.iloc[1]
    assert base["cost"] == pytest.approx(planned.best.cost)
    assert base["paid hours"] == pytest.approx(float(planned.best.paid_hours.sum()))
    pooled = planned.best.simulation.queues.set_index("queue").loc["all"]
    assert base["service level"] == pytest.approx(pooled["service_level"])
    assert base["intervals missing a target"] == planned.best.misses
    costs = planned.costs().set_index("queue")
    assert base["cost per contact:b"] == pytest.approx(costs.loc["b", "cost_per_contact"])


def test_whatif_command_on_a_center(tiny_path, tmp_path, capsys):
    out = tmp_path / "w"
    status = main(
        ["whatif", str(tiny_path), "--vary", "volume:a=1.5,1", "--out", str(out), "--workers", "1"]
    )
    assert status == 0
    text = capsys.readouterr().out
    assert "tiny center: 2 variants of volume:a 1.5, 1; every variant meets" in text
    header = next(line for line in text.splitlines() if line.lstrip().startswith("volume a"))
    assert header.split()[-4:] == ["SL", "a", "SL", "b"]
    assert "volume:a 1 → 1.5: agents on the phones" in text
    table = pd.read_csv(out / "whatif.csv")
    assert table["volume:a"].tolist() == VOLUMES
    summary = (out / "whatif.md").read_text()
    assert "## Per queue" in summary
    assert "cost/contact b" in summary


def test_the_value_as_written_is_the_named_queues(bank):
    assert whatif.baseline(bank, "patience:cards") == 120.0
    assert whatif.baseline(bank, "patience") == 180.0  # the [callers] default
    assert whatif.baseline(bank, "threshold:mortgages") == 60.0
    assert whatif.baseline(bank, "volume:cards") == 1.0
    assert whatif.header("service_level:cards") == "SL target cards"
    assert whatif.label("volume:cards") == "cards: volume [multiple of the forecast calls]"
