"""Report: KPI status bands, PNG charts (size, not blank, NaN and multi-day), Markdown tables."""

import math

import numpy as np
import pandas as pd
import pytest
from matplotlib import dates as mdates
from matplotlib import image

from staffing.callers import CallerBehaviour
from staffing.errors import InputError
from staffing.forecast import Forecast
from staffing.report import charts
from staffing.report.charts import (
    STATUS_COLOURS,
    plot_coverage,
    plot_occupancy,
    plot_service_level,
    plot_waits,
)
from staffing.report.plan_report import CHART_FILES, write_charts
from staffing.report.tables import STATUS_MARKS, markdown_table
from staffing.requirements import ServiceTargets, kpi_status
from staffing.simulation import simulate

WIDE_PX = (540, 1320)  # 11 x 4.5 in at 120 dpi, (rows, columns)
TALL_PX = (780, 1320)  # 11 x 6.5 in


def starts(n, *, step_min=15, first="2026-03-03T00:00"):
    return np.datetime64(first, "s") + np.arange(n) * np.timedelta64(step_min * 60, "s")


def assert_png(path, size):
    pixels = image.imread(path)  # floats in [0, 1], RGBA
    assert pixels.shape[:2] == size
    rgb = np.round(pixels[..., :3] * 255).astype(np.int64)
    colours = np.unique(rgb[..., 0] << 16 | rgb[..., 1] << 8 | rgb[..., 2])
    assert colours.size > 20  # lines, bands, text: not a blank canvas


@pytest.fixture
def day():
    """One day of 15-min intervals, KPIs undefined (NaN) at night when no call arrives."""
    n = 96
    hours = np.arange(n) / 4
    rng = np.random.default_rng(3)
    sl = np.clip(0.85 + 0.1 * np.sin(hours / 3) + rng.normal(0, 0.03, n), 0, 1)
    night = (hours >= 2) & (hours < 5)
    sl[night] = np.nan
    return {
        "start": starts(n),
        "required": np.round(5 + 60 * np.exp(-(((hours - 12) / 4) ** 2))),
        "sl": sl,
        "sl_ci": np.full(n, 0.05),
        "asa": np.where(night, np.nan, 12 + 8 * np.sin(hours)),
        "asa_ci": np.full(n, 4.0),
        "abandon": np.where(night, np.nan, 0.04 + 0.02 * np.sin(hours)),
        "abandon_ci": np.full(n, 0.01),
        "occupancy": np.where(night, np.nan, 0.8 + 0.1 * np.sin(hours)),
        "occupancy_ci": np.full(n, 0.03),
    }


# --------------------------------------------------------------------------- status


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.5, "met"),  # exactly at target
        (0.9, "met"),
        (0.4, "within tolerance"),
        (0.25, "within tolerance"),  # the edge: 0.5 - 0.5 * 0.5
        (0.2499, "missed"),
        (0.0, "missed"),
    ],
)
def test_status_higher_is_better(value, expected):
    assert kpi_status(value, 0.5, higher_is_better=True, tolerance=0.5) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (20.0, "met"),  # exactly at target
        (3.0, "met"),
        (22.0, "within tolerance"),
        (25.0, "within tolerance"),  # the edge: 20 + 20 * 0.25
        (25.01, "missed"),
        (math.inf, "missed"),  # an unstable queue's ASA
    ],
)
def test_status_lower_is_better(value, expected):
    assert kpi_status(value, 20.0, higher_is_better=False, tolerance=0.25) == expected


def test_status_zero_tolerance_has_no_yellow_band():
    assert kpi_status(0.8, 0.8, higher_is_better=True, tolerance=0.0) == "met"
    assert kpi_status(0.7999, 0.8, higher_is_better=True, tolerance=0.0) == "missed"


def test_status_of_undefined_kpi_is_no_data():
    assert kpi_status(math.nan, 0.8, higher_is_better=True, tolerance=0.05) == "no data"


@pytest.mark.parametrize(
    ("target", "tolerance", "message"),
    [(math.nan, 0.05, "target = nan"), (0.8, -0.1, "tolerance = -0.1")],
)
def test_status_bad_target_or_tolerance(target, tolerance, message):
    with pytest.raises(InputError, match=message):
        kpi_status(0.8, target, higher_is_better=True, tolerance=tolerance)


def test_every_status_has_a_colour_and_a_marker_with_its_word():
    assert set(STATUS_COLOURS) == set(STATUS_MARKS)
    for status, marker in STATUS_MARKS.items():
        assert marker.endswith(status)
        assert STATUS_COLOURS[status].startswith("#")


# --------------------------------------------------------------------------- charts


def test_coverage_chart(tmp_path, day):
    scheduled = day["required"] + np.where(np.arange(96) % 10 == 0, -2, 1)  # some short
    out = plot_coverage(
        tmp_path / "coverage.png",
        day["start"],
        day["required"],
        scheduled,
        erlang_required=day["required"] + 1,
        title="test",
    )
    assert out == tmp_path / "coverage.png"
    assert_png(out, WIDE_PX)


def test_service_level_chart_with_nan_gaps(tmp_path, day):
    out = plot_service_level(
        tmp_path / "sl.png", day["start"], day["sl"], day["sl_ci"], target=0.8, threshold=20
    )
    assert_png(out, WIDE_PX)


def test_service_level_chart_without_target(tmp_path, day):
    out = plot_service_level(
        tmp_path / "sl.png", day["start"], day["sl"], day["sl_ci"], target=None, threshold=20
    )
    assert_png(out, WIDE_PX)


@pytest.mark.parametrize(("asa_target", "abandon_target"), [(20.0, 0.05), (None, None)])
def test_waits_chart(tmp_path, day, asa_target, abandon_target):
    out = plot_waits(
        tmp_path / "waits.png",
        day["start"],
        day["asa"],
        day["asa_ci"],
        day["abandon"],
        day["abandon_ci"],
        asa_target=asa_target,
        abandon_target=abandon_target,
    )
    assert_png(out, TALL_PX)


def test_occupancy_chart(tmp_path, day):
    out = plot_occupancy(
        tmp_path / "occ.png",
        day["start"],
        day["occupancy"],
        day["occupancy_ci"],
        max_occupancy=0.85,
        utilization=day["occupancy"] * 0.7,
    )
    assert_png(out, WIDE_PX)


def test_charts_of_all_nan_kpis_and_a_single_interval(tmp_path):
    nan = np.full(4, np.nan)
    out = plot_waits(tmp_path / "w.png", starts(4), nan, nan, nan, nan, asa_target=20.0)
    assert image.imread(out).shape[:2] == TALL_PX
    one = plot_service_level(
        tmp_path / "one.png", starts(1), [0.7], [np.nan], target=0.8, threshold=20
    )
    assert_png(one, WIDE_PX)


def test_multi_day_hourly_charts(tmp_path):
    n = 7 * 24
    hours = np.arange(n) % 24
    required = np.round(2 + 18 * np.exp(-(((hours - 11) / 4) ** 2)))
    start = starts(n, step_min=60, first="2026-03-02T00:00")
    assert_png(plot_coverage(tmp_path / "c.png", start, required, required - 1), WIDE_PX)
    sl = np.clip(0.9 - 0.1 * np.sin(hours / 4), 0, 1)
    out = plot_service_level(tmp_path / "s.png", start, sl, sl * 0.05, target=0.8, threshold=20)
    assert_png(out, WIDE_PX)


def test_days_with_closed_nights_leave_the_night_blank(tmp_path):
    # A desk open 07:00-21:00 on two days: 28 half-hours each, a 10-hour gap between them.
    start = np.concatenate([starts(28, step_min=30, first=f"2026-03-0{d}T07:00") for d in (2, 3)])
    _, (y,) = charts._steps(start, np.arange(56.0))
    assert np.isnan(y).sum() == 1  # one break, at the night
    out = plot_occupancy(tmp_path / "o.png", start, np.full(56, 0.8), np.full(56, 0.02))
    assert_png(out, WIDE_PX)


def test_multi_day_tick_labels_name_the_day_at_midnight_and_first_tick():
    def label(when):
        x = mdates.date2num(np.datetime64(when))
        return charts._day_and_time(x, dated_before=np.datetime64("2026-03-02T13:00"))

    assert label("2026-03-02T12:00") == "12:00\nMon 2 Mar"  # first tick of an axis from 07:00
    assert label("2026-03-03T00:00") == "00:00\nTue 3 Mar"
    assert label("2026-03-03T12:00") == "12:00"


def test_charts_leave_no_pyplot_figures_open(tmp_path, day):
    plt = pytest.importorskip("matplotlib.pyplot")
    plot_service_level(
        tmp_path / "sl.png", day["start"], day["sl"], day["sl_ci"], target=0.8, threshold=20
    )
    assert plt.get_fignums() == []


@pytest.mark.parametrize(
    ("start", "values", "message"),
    [
        (starts(4), np.ones(3), "required has 3 values for 4 intervals"),
        (starts(4)[::-1], np.ones(4), r"start\[1\] = .* is not after start\[0\]"),
        (starts(4), [1.0, np.inf, 1.0, 1.0], r"required\[1\] = inf"),
        (["08:00", "x", "09:00", "09:30"], np.ones(4), "start must be date-times"),
    ],
)
def test_chart_bad_input(tmp_path, start, values, message):
    with pytest.raises(InputError, match=message):
        plot_coverage(tmp_path / "c.png", start, values, np.ones(4))


# --------------------------------------------------------------------------- write_charts


@pytest.fixture(scope="module")
def simulated():
    """A real (tiny) simulation: its intervals frame is what write_charts reads."""
    fc = Forecast(
        start=starts(6, step_min=30, first="2026-03-03T08:00"),
        calls=[0.0, 40, 60, 80, 50, 20],
        aht=[0.0, 180, 180, 180, 180, 180],
        interval=1800,
    )
    agents = np.array([0, 5, 7, 9, 6, 3])
    return simulate(
        fc, agents=agents, replications=3, seed=1, callers=CallerBehaviour(patience=120)
    ), agents


def test_write_charts_all_four(tmp_path, simulated):
    result, agents = simulated
    targets = ServiceTargets(0.8, 20.0, asa=30.0, abandon_rate=0.05, max_occupancy=0.9)
    paths = write_charts(
        tmp_path / "charts",
        result.intervals,
        targets,
        required=agents + 1,
        scheduled=agents,
        erlang_required=agents + 2,
        title="Tiny day",
    )
    assert paths == {key: tmp_path / "charts" / name for key, name in CHART_FILES.items()}
    for key, path in paths.items():
        assert_png(path, TALL_PX if key == "waits" else WIDE_PX)


def test_write_charts_without_coverage(tmp_path, simulated):
    result, _ = simulated
    paths = write_charts(tmp_path, result.intervals, ServiceTargets())
    assert set(paths) == {"service_level", "waits", "occupancy"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "occupancy.png",
        "service_level.png",
        "waits.png",
    ]


def test_write_charts_bad_input(tmp_path, simulated):
    result, agents = simulated
    with pytest.raises(InputError, match=r"lacks column.*occupancy_ci"):
        write_charts(tmp_path, result.intervals.drop(columns="occupancy_ci"), ServiceTargets())
    with pytest.raises(InputError, match="both required and scheduled"):
        write_charts(tmp_path, result.intervals, ServiceTargets(), required=agents)
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- markdown


def test_markdown_table_formats_aligns_and_hides_default_index():
    frame = pd.DataFrame(
        {
            "kpi": ["service level", "ASA"],
            "value": [0.8123, 14.0],
            "calls": [1200, 35],
            "status": [STATUS_MARKS["met"], STATUS_MARKS["missed"]],
        }
    )
    assert markdown_table(frame, {"value": ".2f", "calls": ",d"}) == (
        "| kpi           | value | calls | status   |\n"
        "| ------------- | ----: | ----: | -------- |\n"
        "| service level |  0.81 | 1,200 | 🟢 met    |\n"
        "| ASA           | 14.00 |    35 | 🔴 missed |\n"
    )


def test_markdown_table_named_index_missing_values_and_pipes():
    frame = pd.DataFrame(
        {"mean": [0.81, np.nan], "note": ["a|b", None]},
        index=pd.Index(["service_level", "asa"], name="kpi"),
    )
    assert markdown_table(frame, {"mean": "{:.0%}"}) == (
        "| kpi           | mean | note |\n"
        "| ------------- | ---: | ---- |\n"
        "| service_level |  81% | a\\|b |\n"
        "| asa           |    — | —    |\n"
    )


def test_markdown_table_template_and_spec_formats_agree_and_empty_frame():
    frame = pd.DataFrame({"asa": [14.25]})
    assert markdown_table(frame, {"asa": "{:.1f} s"}) == ("|    asa |\n| -----: |\n| 14.2 s |\n")
    assert markdown_table(frame, {"asa": ".1f"}) == markdown_table(frame, {"asa": "{:.1f}"})
    assert markdown_table(pd.DataFrame()) == ""


def test_markdown_table_bad_formats():
    frame = pd.DataFrame({"a": [1.5], "b": ["x"]})
    with pytest.raises(InputError, match=r"formats name column.*'c'"):
        markdown_table(frame, {"c": ".1f"})
    with pytest.raises(InputError, match=r"format '\.1f' of column 'b'"):
        markdown_table(frame, {"b": ".1f"})
