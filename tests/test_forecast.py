from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffing.errors import InputError
from staffing.forecast import PLACEHOLDER_DATE, Forecast, read_forecast

SIMULATIONS = Path(__file__).resolve().parents[1] / "simulations"


def write(tmp_path: Path, text: str, name: str = "forecast.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def day_rows(first: str, last: str, step_minutes: int, date: str = "") -> list[str]:
    times = pd.date_range(f"2000-01-01 {first}", f"2000-01-01 {last}", freq=f"{step_minutes}min")
    prefix = f"{date} " if date else ""
    return [f"{prefix}{t:%H:%M},{10 + i},{180 + i}" for i, t in enumerate(times)]


def csv_text(rows: list[str], header: str = "start,calls,aht") -> str:
    return "\n".join([header, *rows]) + "\n"


# --- good files -----------------------------------------------------------------------------


def test_full_day_of_15_min_intervals_as_times_of_day(tmp_path):
    forecast = read_forecast(write(tmp_path, csv_text(day_rows("00:00", "23:45", 15))))
    assert forecast.interval == 900.0
    assert forecast.n_intervals == 96
    assert not forecast.has_dates
    assert forecast.start[0] == np.datetime64("1970-01-01T00:00:00")
    assert forecast.start[-1] == np.datetime64("1970-01-01T23:45:00")
    assert forecast.start.dtype == np.dtype("datetime64[s]")
    np.testing.assert_array_equal(forecast.days, [PLACEHOLDER_DATE])
    np.testing.assert_array_equal(forecast.calls, 10.0 + np.arange(96))
    np.testing.assert_array_equal(forecast.aht, 180.0 + np.arange(96))
    assert forecast.hours == 0.25


def test_full_day_of_15_min_intervals_with_dates(tmp_path):
    rows = day_rows("00:00", "23:45", 15, date="2026-03-02")
    forecast = read_forecast(write(tmp_path, csv_text(rows)))
    assert forecast.has_dates
    assert forecast.n_intervals == 96
    np.testing.assert_array_equal(forecast.days, np.array(["2026-03-02"], dtype="datetime64[D]"))


def test_30_min_over_two_days_with_a_night_gap(tmp_path):
    rows = day_rows("08:00", "19:30", 30, "2026-03-02") + day_rows(
        "08:00", "19:30", 30, "2026-03-03"
    )
    forecast = read_forecast(write(tmp_path, csv_text(rows)))
    assert forecast.interval == 1800.0
    assert forecast.n_intervals == 48
    assert forecast.hours == 0.5
    np.testing.assert_array_equal(
        forecast.days, np.array(["2026-03-02", "2026-03-03"], dtype="datetime64[D]")
    )
    assert forecast.start[24] == np.datetime64("2026-03-03T08:00:00")


def test_60_min_intervals_across_midnight(tmp_path):
    rows = [f"2026-03-02 {h:02d}:00,{h},300" for h in range(20, 24)]
    rows += [f"2026-03-03T{h:02d}:00:00,{h},300" for h in range(3)]
    forecast = read_forecast(write(tmp_path, csv_text(rows)))
    assert forecast.interval == 3600.0
    assert forecast.n_intervals == 7
    assert forecast.hours == 1.0


def test_load_is_calls_times_aht_over_interval(tmp_path):
    text = csv_text(["08:00,100,180", "08:30,0,", "09:00,60,240.5"])
    forecast = read_forecast(write(tmp_path, text))
    np.testing.assert_allclose(forecast.load, [10.0, 0.0, 60 * 240.5 / 1800], rtol=1e-15)
    assert forecast.total_calls == 160.0
    frame = forecast.to_frame()
    assert list(frame.columns) == ["start", "calls", "aht", "load"]
    assert len(frame) == 3
    np.testing.assert_allclose(frame["load"], forecast.load, rtol=1e-15)
    assert frame["start"].iloc[0] == pd.Timestamp("1970-01-01 08:00")


def test_empty_aht_where_calls_are_zero_is_stored_as_zero(tmp_path):
    forecast = read_forecast(write(tmp_path, csv_text(["08:00,0,", "08:15,0,0", "08:30,5,200"])))
    np.testing.assert_array_equal(forecast.aht, [0.0, 0.0, 200.0])
    assert not np.isnan(forecast.aht).any()


def test_header_aliases_case_spaces_and_extra_columns(tmp_path):
    text = csv_text(
        ["x,2026-03-02 08:00,12,200,note", "y,2026-03-02 08:15,14,210,"],
        header=" Site , Interval_Start ,VOLUME, aht_seconds ,comment",
    )
    forecast = read_forecast(write(tmp_path, text))
    np.testing.assert_array_equal(forecast.calls, [12.0, 14.0])
    np.testing.assert_array_equal(forecast.aht, [200.0, 210.0])


@pytest.mark.parametrize(
    "header",
    ["time,offered,aht_s", "datetime,calls,AHT", "interval start,calls,aht", "Start,Calls,Aht"],
)
def test_other_accepted_header_names(tmp_path, header):
    forecast = read_forecast(write(tmp_path, csv_text(["08:00,1,100", "08:15,2,100"], header)))
    assert forecast.n_intervals == 2


def test_semicolon_delimiter_bom_and_blank_trailing_lines(tmp_path):
    path = tmp_path / "forecast.csv"
    path.write_bytes(b"\xef\xbb\xbfstart;calls;aht\r\n08:00;10;180\r\n08:15;12;190\r\n\r\n;;\r\n\n")
    forecast = read_forecast(path)
    np.testing.assert_array_equal(forecast.calls, [10.0, 12.0])


def test_tab_delimiter_quotes_and_blank_line_inside(tmp_path):
    text = 'start\tcalls\taht\n"08:00"\t10\t180\n\n08:15\t1e1\t 190 \n'
    forecast = read_forecast(write(tmp_path, text))
    np.testing.assert_array_equal(forecast.calls, [10.0, 10.0])


def test_fractional_calls_are_kept(tmp_path):
    forecast = read_forecast(write(tmp_path, csv_text(["08:00,10.25,180", "08:15,0.5,190"])))
    np.testing.assert_array_equal(forecast.calls, [10.25, 0.5])


def test_explicit_interval_reads_a_single_row(tmp_path):
    forecast = read_forecast(write(tmp_path, csv_text(["08:00,10,180"])), interval=1800)
    assert forecast.interval == 1800.0
    assert forecast.n_intervals == 1


def test_explicit_interval_larger_than_the_steps_is_an_error(tmp_path):
    path = write(tmp_path, csv_text(["08:00,1,100", "08:15,1,100"]))
    with pytest.raises(
        InputError, match=r"forecast\.csv row 3: start = '08:15'; not on the 30 min"
    ):
        read_forecast(path, interval=1800)


@pytest.mark.parametrize("interval", [600, 0, -900, 1800.5, "1800", True])
def test_explicit_interval_must_be_15_30_or_60_min(tmp_path, interval):
    path = write(tmp_path, csv_text(["08:00,1,100"]))
    with pytest.raises(InputError, match="interval must be 900, 1800 or 3600 seconds"):
        read_forecast(path, interval=interval)


# --- error paths: each names the file, the row (header = line 1), the field and the value ----


def raises(path: Path, pattern: str) -> None:
    with pytest.raises(InputError, match=pattern) as error:
        read_forecast(path)
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(str(path))


def test_missing_file(tmp_path):
    raises(tmp_path / "forecast.csv", r"forecast\.csv: file not found")


def test_folder_instead_of_file(tmp_path):
    folder = tmp_path / "forecast.csv"
    folder.mkdir()
    raises(folder, r"forecast\.csv: is a folder")


@pytest.mark.parametrize("text", ["", "\n\n", "  \n ,, \n"])
def test_empty_file(tmp_path, text):
    raises(write(tmp_path, text), r"forecast\.csv: the file is empty; expected a header line")


def test_header_without_rows(tmp_path):
    raises(write(tmp_path, "start,calls,aht\n\n"), r"forecast\.csv: no data rows under the header")


def test_no_header(tmp_path):
    raises(
        write(tmp_path, "08:00,10,180\n08:15,12,180\n"),
        r"forecast\.csv row 1: '08:00,10,180' looks like data, not a header; .* start,calls,aht",
    )


def test_missing_column_lists_found_columns_and_accepted_names(tmp_path):
    raises(
        write(tmp_path, csv_text(["08:00,10,180"], header="start,vol,aht")),
        r"forecast\.csv: no calls column; the header \(row 1\) has 'start', 'vol', 'aht'; "
        r"accepted names for calls: calls, volume, offered",
    )


def test_two_columns_for_the_same_field(tmp_path):
    raises(
        write(tmp_path, csv_text(["08:00,10,11,180"], header="start,calls,volume,aht")),
        r"forecast\.csv row 1: columns 'calls' and 'volume' both give calls; keep one",
    )


@pytest.mark.parametrize(
    ("row", "pattern"),
    [
        ("08:15,abc,180", r"row 3: calls = 'abc'; calls must be a number >= 0"),
        ("08:15,,180", r"row 3: calls = ''; calls must be a number >= 0"),
        ("08:15,-3,180", r"row 3: calls = '-3'; calls must be a number >= 0"),
        ("08:15,nan,180", r"row 3: calls = 'nan'; calls must be a number >= 0"),
        ("08:15,inf,180", r"row 3: calls = 'inf'; calls must be a number >= 0"),
        ("08:15,1e999,180", r"row 3: calls = '1e999'; calls must be a number >= 0"),
        ("08:15,10,0", r"row 3: aht = '0'; aht must be a number of seconds > 0"),
        ("08:15,10,-5", r"row 3: aht = '-5'; aht must be a number of seconds > 0"),
        ("08:15,10,", r"row 3: aht = ''; aht must be a number of seconds > 0"),
        ("08:15,10", r"row 3: aht = ''; aht must be a number of seconds > 0"),
        ("08:15,0,-5", r"row 3: aht = '-5'; aht must be a number of seconds > 0"),
        ("08:15,10,3min", r"row 3: aht = '3min'; aht must be a number of seconds"),
        ("08:15,10,1.2.3", r"row 3: aht = '1.2.3'; aht must be a number of seconds"),
        ('08:15,"1,5",180', r"row 3: calls = '1,5'; decimal commas and thousands separators"),
        ('08:15,"1,200",180', r"row 3: calls = '1,200'; decimal commas"),
        ("08:15,10,180,5", r"row 3: 4 fields but the header \(row 1\) has 3 \(a decimal comma"),
        ("25:00,10,180", r"row 3: start = '25:00'; not a valid date and time"),
        ("8h15,10,180", r"row 3: start = '8h15'; expected a start like 2026-03-02 08:00"),
        ("noon,10,180", r"row 3: start = 'noon'; expected a start like"),
        (",10,180", r"row 3: start = ''; expected a start like"),
        ("2026-03-02 08:15,10,180", r"row 3: start = '2026-03-02 08:15'; the first row's start"),
        ("08:00,10,180", r"row 3: start = '08:00'; same start as row 2 \(08:00\)"),
        ("07:45,10,180", r"row 3: start = '07:45'; earlier than row 2 \(08:00\); .* time order"),
        ("08:20,10,180", r"forecast\.csv: the smallest step between starts is 20 min \(rows 2"),
    ],
)
def test_bad_row(tmp_path, row, pattern):
    raises(write(tmp_path, csv_text(["08:00,10,180", row, "09:00,10,180"])), pattern)


@pytest.mark.parametrize(
    ("start", "pattern"),
    [
        ("2026-02-30 08:00", r"row 2: start = '2026-02-30 08:00'; not a valid date and time"),
        ("2026-13-01 08:00", r"row 2: start = '2026-13-01 08:00'; not a valid date and time"),
        ("02/03/2026 08:00", r"row 2: start = '02/03/2026 08:00'; expected a start like"),
        ("2026-03-02", r"row 2: start = '2026-03-02'; expected a start like"),
        ("2026-03-02 08:00+01:00", r"row 2: start = '2026-03-02 08:00\+01:00'; expected"),
    ],
)
def test_bad_date_time(tmp_path, start, pattern):
    raises(write(tmp_path, csv_text([f"{start},10,180"])), pattern)


def test_time_of_day_after_dated_rows(tmp_path):
    raises(
        write(tmp_path, csv_text(["2026-03-02 08:00,10,180", "08:15,10,180"])),
        r"row 3: start = '08:15'; the first row's start has a date",
    )


def test_off_grid_start(tmp_path):
    rows = ["08:00,1,100", "08:15,1,100", "08:35,1,100", "08:50,1,100"]
    raises(
        write(tmp_path, csv_text(rows)),
        r"forecast\.csv row 4: start = '08:35'; not on the 15 min grid: .* \(the interval is "
        r"15 min, the smallest step, rows 2 and 3\)",
    )


def test_off_grid_first_start(tmp_path):
    raises(
        write(tmp_path, csv_text(["08:10,1,100", "08:40,1,100"])),
        r"row 2: start = '08:10'; not on the 30 min grid",
    )


def test_twenty_minute_steps_are_not_an_interval(tmp_path):
    raises(
        write(tmp_path, csv_text(["08:00,1,100", "08:20,1,100", "08:40,1,100"])),
        r"forecast\.csv: the smallest step between starts is 20 min \(rows 2 and 3\); the "
        r"interval must be 15, 30 or 60 min",
    )


def test_gap_within_a_day(tmp_path):
    rows = ["08:00,1,100", "08:30,1,100", "09:30,1,100", "10:00,1,100"]
    raises(
        write(tmp_path, csv_text(rows)),
        r"forecast\.csv row 4: start = '09:30'; expected 09:00, one interval \(30 min\) after "
        r"row 3 \(08:30\): intervals within a day must follow each other without gaps",
    )


def test_one_short_step_in_a_30_min_file(tmp_path):
    rows = ["08:00,1,100", "08:30,1,100", "08:45,1,100", "09:15,1,100"]
    raises(write(tmp_path, csv_text(rows)), r"row 3: start = '08:30'; expected 08:15")


def test_days_a_day_apart_are_not_an_interval(tmp_path):
    rows = ["2026-03-02 08:00,1,100", "2026-03-03 08:00,1,100"]
    raises(write(tmp_path, csv_text(rows)), r"the smallest step between starts is 24 h")


def test_single_row_needs_the_interval(tmp_path):
    raises(
        write(tmp_path, csv_text(["08:00,10,180"])),
        r"forecast\.csv: only one row \(row 2\), so the interval length cannot be inferred",
    )


def test_row_numbers_count_blank_lines_like_an_editor(tmp_path):
    text = "\nstart,calls,aht\n08:00,1,100\n\n08:15,-1,100\n"
    raises(write(tmp_path, text), r"forecast\.csv row 5: calls = '-1'")


def test_semicolon_file_with_decimal_comma(tmp_path):
    raises(
        write(tmp_path, "start;calls;aht\n08:00;10;180,5\n"),
        r"row 2: aht = '180,5'; decimal commas and thousands separators are not supported",
    )


def test_excel_workbook(tmp_path):
    path = tmp_path / "forecast.csv"
    path.write_bytes(b"PK\x03\x04rest-of-a-zip")
    raises(path, r"forecast\.csv: looks like an Excel workbook; save it as CSV UTF-8")


def test_utf16_file(tmp_path):
    path = tmp_path / "forecast.csv"
    path.write_text("start,calls,aht\n08:00,1,100\n", encoding="utf-16")
    raises(path, r"forecast\.csv: contains NUL bytes")


def test_non_utf8_file(tmp_path):
    path = tmp_path / "forecast.csv"
    path.write_bytes("start,calls,aht,note\n08:00,1,100,réunion\n".encode("cp1252"))
    raises(path, r"forecast\.csv row 2: not UTF-8 text \(byte 0xe9\)")


# --- Forecast built directly ----------------------------------------------------------------

STARTS = np.array(["2026-03-02T08:00", "2026-03-02T08:15", "2026-03-02T08:30"], "datetime64[s]")


def make(**changes):
    arguments = {"start": STARTS, "calls": [10.0, 0.0, 12.0], "aht": [180.0, 0.0, 200.0]}
    arguments["interval"] = 900
    arguments.update(changes)
    return Forecast(**arguments)


def test_forecast_copies_coerces_and_freezes():
    calls = np.array([10.0, 0.0, 12.0])
    forecast = make(calls=calls, start=STARTS.astype(str))
    calls[0] = 99.0
    assert forecast.calls[0] == 10.0
    assert forecast.interval == 900.0
    assert isinstance(forecast.interval, float)
    np.testing.assert_array_equal(forecast.start, STARTS)
    with pytest.raises(ValueError, match="read-only"):
        forecast.calls[0] = 1.0
    with pytest.raises(AttributeError):
        forecast.interval = 1800.0


@pytest.mark.parametrize(
    ("changes", "pattern"),
    [
        ({"interval": 600}, r"Forecast interval = 600; the interval must be 900, 1800 or 3600"),
        ({"calls": [1.0, 2.0]}, r"Forecast lengths differ"),
        ({"calls": [1.0, -2.0, 3.0]}, r"Forecast calls\[1\] = -2\.0; calls must be a finite"),
        ({"calls": [1.0, np.nan, 3.0]}, r"Forecast calls\[1\] = nan"),
        ({"aht": [180.0, np.nan, 200.0]}, r"Forecast aht\[1\] = nan"),
        ({"aht": [180.0, 0.0, 0.0]}, r"Forecast aht\[2\] = 0\.0; aht must be .* > 0 where calls"),
        ({"aht": [180.0, -1.0, 1.0]}, r"Forecast aht\[1\] = -1\.0"),
        ({"calls": [[1.0, 2.0, 3.0]]}, r"Forecast calls has shape \(1, 3\)"),
        ({"calls": ["a", 1, 1]}, r"Forecast calls = \['a', 1, 1\]; calls must be numbers"),
        ({"start": ["x", "y", "z"]}, r"start must be date-times"),
        ({"start": STARTS[::-1]}, r"Forecast start\[1\] = .*; earlier than start\[0\]"),
        ({"start": STARTS[[0, 0, 1]]}, r"Forecast start\[1\] = .*; same start as start\[0\]"),
        ({"interval": 1800}, r"Forecast start\[1\] = 2026-03-02T08:15:00; not on the 30 min"),
        ({"start": STARTS + np.timedelta64(5, "m")}, r"Forecast start\[0\] = .*not on the 15"),
        ({"has_dates": False}, r"with has_dates=False every start must be on .* 1970-01-01"),
    ],
)
def test_forecast_validation(changes, pattern):
    with pytest.raises(InputError, match=pattern):
        make(**changes)


def test_forecast_needs_at_least_one_interval():
    with pytest.raises(InputError, match="expected a non-empty 1-D array"):
        Forecast(start=np.array([], "datetime64[s]"), calls=[], aht=[], interval=900)


def test_forecast_gap_within_a_day_names_the_index():
    starts = STARTS.copy()
    starts[2] += np.timedelta64(15, "m")
    with pytest.raises(InputError, match=r"start\[2\] = .*; expected 08:30, one interval"):
        make(start=starts)


@settings(max_examples=50, deadline=None)
@given(
    calls=st.lists(st.floats(0, 1e4, allow_nan=False) | st.integers(0, 1000), min_size=2),
    aht=st.floats(1, 3600),
    interval=st.sampled_from([900, 1800, 3600]),
)
def test_csv_round_trip(tmp_path_factory, calls, aht, interval):
    calls = calls[: 86_400 // interval]
    starts = np.datetime64("2026-03-02T00:00", "s") + np.arange(len(calls)) * interval
    rows = [
        f"{s.astype(object):%Y-%m-%d %H:%M},{c!r},{aht!r}"
        for s, c in zip(starts, calls, strict=True)
    ]
    path = write(tmp_path_factory.mktemp("round_trip"), csv_text(rows))
    forecast = read_forecast(path)
    assert forecast.interval == interval
    np.testing.assert_array_equal(forecast.start, starts)
    np.testing.assert_array_equal(forecast.calls, np.array(calls, dtype=float))
    np.testing.assert_allclose(forecast.load, forecast.calls * aht / interval, rtol=1e-15)


# --- bundled examples -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "n_intervals", "interval", "n_days", "has_dates"),
    [
        ("ecommerce_weekday.csv", 96, 900.0, 1, True),
        ("techsupport_day.csv", 28, 1800.0, 1, False),
        ("healthcare_week.csv", 168, 3600.0, 7, True),
    ],
)
def test_bundled_examples_load(name, n_intervals, interval, n_days, has_dates):
    forecast = read_forecast(SIMULATIONS / name)
    assert forecast.n_intervals == n_intervals
    assert forecast.interval == interval
    assert len(forecast.days) == n_days
    assert forecast.has_dates is has_dates
    np.testing.assert_array_equal(forecast.calls, np.round(forecast.calls))
    assert (forecast.aht > 0).all()
