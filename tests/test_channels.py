"""The channel table: cost per contact and resolution rate by channel, against the bands.

A tiny voice + chat day simulated with a fixed seed; every figure of the table is
recomputed by hand from the simulation's own tables (paid hours, handle hours, answered
contacts), with the wages and loadings priced here, and placed against the ranges of
KPI_BENCHMARKS.md (phone $3.50-$8.00, chat $2.00-$5.00, email $1.50-$4.00; FCR 70-75 %).
"""

import math

import numpy as np
import pytest

from staffing.benchmarks import Benchmark, channel_benchmarks
from staffing.callers import CallerBehaviour
from staffing.center import Center, Group, Queue
from staffing.channels import COLUMNS, band_status, bands_note, channel_table
from staffing.costs import CostModel
from staffing.errors import InputError
from staffing.forecast import Forecast
from staffing.simulation.center_run import simulate_center

START = np.array(
    ["2026-03-03T08:00", "2026-03-03T08:30", "2026-03-03T09:00", "2026-03-03T09:30"],
    dtype="datetime64[s]",
)
COSTS = CostModel(hourly_wage=20.0, loading=0.25)  # 25 per paid hour; the blend group 37.5


def _forecast(calls, aht: float) -> Forecast:
    calls = np.broadcast_to(np.asarray(calls, dtype=float), START.shape).copy()
    return Forecast(start=START, calls=calls, aht=np.full(START.size, aht), interval=1800)


def _center(phone_fcr: float | None = 0.8, web_fcr: float | None = 0.6) -> Center:
    phone = Queue("phone", _forecast(60, 240.0), CallerBehaviour(patience=120.0), fcr=phone_fcr)
    web = Queue(
        "web",
        _forecast(40, 600.0),
        CallerBehaviour(patience=300.0),
        channel="chat",
        max_sessions=2,
        fcr=web_fcr,
    )
    groups = (
        Group("voice", ("phone",), agents=7),
        Group(
            "blend", ("web", "phone"), overflow_after={"phone": 30.0}, agents=6, hourly_wage=30.0
        ),
    )
    return Center((phone, web), groups)


@pytest.fixture(scope="module")
def day():
    center = _center()
    return center, simulate_center(center, replications=3, seed=7)


def test_the_channel_table_is_the_groups_costs_shared_by_handle_time_by_hand(day):
    center, result = day
    table = channel_table(center, result, COSTS).set_index("channel")
    assert list(table.reset_index().columns) == list(COLUMNS)
    assert list(table.index) == ["voice", "chat", "all"]
    paid, hours = result.paid_hours, result.handle_hours
    # fixed agents, no shrinkage: paid is at least the 2 h open, plus contacts run over
    assert paid["voice"] >= 7 * 2.0
    assert paid["blend"] >= 6 * 2.0
    voice_cost = paid["voice"] * 20.0 * 1.25  # serves phone only
    blend_cost = paid["blend"] * 30.0 * 1.25
    blend_phone = hours.loc["blend", "phone"] / (
        hours.loc["blend", "phone"] + hours.loc["blend", "web"]
    )
    assert 0.0 < blend_phone < 1.0  # the blend group took overflow calls: a real share
    answered = result.queues.set_index("queue")["answered"]
    phone_cost = voice_cost + blend_cost * blend_phone
    web_cost = blend_cost * (1.0 - blend_phone)
    assert table.loc["voice", "cost"] == pytest.approx(phone_cost)
    assert table.loc["chat", "cost"] == pytest.approx(web_cost)
    assert table.loc["all", "cost"] == pytest.approx(voice_cost + blend_cost)
    assert table.loc["voice", "handled"] == answered["phone"]
    assert table.loc["all", "handled"] == answered["phone"] + answered["web"]
    assert table.loc["voice", "cost_per_contact"] == pytest.approx(phone_cost / answered["phone"])
    assert table.loc["chat", "cost_per_contact"] == pytest.approx(web_cost / answered["web"])
    assert table.loc["all", "cost_per_contact"] == pytest.approx(
        (voice_cost + blend_cost) / (answered["phone"] + answered["web"])
    )
    # resolution: handled x fcr, weighted by the handled volumes
    assert table.loc["voice", "resolution_rate"] == pytest.approx(0.8)
    assert table.loc["chat", "resolution_rate"] == pytest.approx(0.6)
    everyone = (0.8 * answered["phone"] + 0.6 * answered["web"]) / answered.loc[
        ["phone", "web"]
    ].sum()
    assert table.loc["all", "resolution_rate"] == pytest.approx(everyone)
    assert table.loc["all", "resolved"] == pytest.approx(
        0.8 * answered["phone"] + 0.6 * answered["web"]
    )


def test_the_channel_table_places_each_figure_against_its_band(day):
    center, result = day
    table = channel_table(center, result, COSTS).set_index("channel")
    # phone $3.50-$8.00, chat $2.00-$5.00; no cost band for all channels together
    assert tuple(table.loc["voice", ["cost_low", "cost_high"]]) == (3.5, 8.0)
    assert tuple(table.loc["chat", ["cost_low", "cost_high"]]) == (2.0, 5.0)
    assert math.isnan(table.loc["all", "cost_low"])
    for channel in ("voice", "chat"):
        value, low, high = table.loc[channel, ["cost_per_contact", "cost_low", "cost_high"]]
        expected = "below" if value < low else "above" if value > high else "within"
        assert table.loc[channel, "cost_status"] == expected
    assert table.loc["all", "cost_status"] == "no band"
    # FCR 70-75 % for every channel: 80 % is above, 60 % below
    assert (table["resolution_low"] == 0.70).all()
    assert (table["resolution_high"] == 0.75).all()
    assert table.loc["voice", "resolution_status"] == "above"
    assert table.loc["chat", "resolution_status"] == "below"
    # a sector's FCR range replaces the general one
    banking = channel_table(center, result, COSTS, sector="financial_services")
    assert (banking["resolution_low"] == 0.75).all()
    assert (banking["resolution_high"] == 0.82).all()


def test_an_unknown_fcr_or_currency_says_so_never_a_number(day):
    _, result = day
    center = _center(web_fcr=None)
    table = channel_table(center, result, COSTS).set_index("channel")
    assert table.loc["voice", "resolution_rate"] == pytest.approx(0.8)
    for channel in ("chat", "all"):
        assert math.isnan(table.loc[channel, "resolution_rate"])
        assert table.loc[channel, "resolution_status"] == "unknown"
    euros = channel_table(center, result, CostModel(hourly_wage=20.0, currency="EUR"))
    assert (euros["cost_status"] == "no band").all()
    assert euros["cost_low"].isna().all()
    assert (euros["cost_per_contact"] > 0).all()


def test_band_status_edges_and_missing_values():
    band = Benchmark(3.5, 8.0, "phone")
    assert [band_status(v, band) for v in (3.49, 3.5, 8.0, 8.01)] == [
        "below",
        "within",
        "within",
        "above",
    ]
    assert band_status(math.nan, band) == "unknown"
    assert band_status(4.0, None) == "no band"


def _range(band: Benchmark) -> tuple[float, float]:
    return band.low, band.high


def test_channel_bands_come_from_the_benchmarks_by_name():
    # voice is the guides' "phone"; email works by name before the engines take it
    assert _range(channel_benchmarks("voice")["cost_per_contact"]) == (3.5, 8.0)
    email = channel_benchmarks("email")
    assert _range(email["cost_per_contact"]) == (1.5, 4.0)
    assert _range(email["resolution_rate"]) == (0.70, 0.75)
    assert "cost_per_contact" not in channel_benchmarks("all")
    assert _range(channel_benchmarks("chat", "healthcare")["resolution_rate"]) == (0.72, 0.80)
    with pytest.raises(InputError, match="sector = 'retail'; choose one of general"):
        channel_benchmarks("chat", "retail")
    assert "KPI_BENCHMARKS.md" in bands_note()
    assert "75%-82%" in bands_note("financial_services")


def test_chat_intervals_add_up_to_the_whole_day_chat_table():
    # one replication, no arrival in the last interval: every session ends inside the grid,
    # so the per-interval agent-seconds add up to the whole day's exactly
    web = Queue(
        "web",
        _forecast([40, 40, 30, 0], 600.0),
        CallerBehaviour(patience=300.0),
        channel="chat",
        max_sessions=3,
        session_speed=(1.0, 0.9, 0.8),
    )
    center = Center((web,), (Group("chat", ("web",), agents=6),))
    result = simulate_center(center, replications=1, seed=3)
    per = result.chat_intervals
    shares = per[[f"sessions_{m}" for m in range(4)]].to_numpy()
    assert list(per["queue"]) == ["web"] * 4
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    logged = per["agents"].to_numpy() * 1800.0
    day = result.chat.iloc[0]
    np.testing.assert_allclose(
        logged @ shares / logged.sum(), [day[f"sessions_{m}"] for m in range(4)], atol=1e-12
    )
    busy = logged * shares[:, 1:].sum(axis=1)
    np.testing.assert_allclose(
        np.nansum(per["concurrency"].to_numpy() * busy) / busy.sum(), day["concurrency"]
    )
    assert 1.0 <= per["concurrency"].max() <= 3.0
