"""Reading contact logs and interval histories: values, mapping, and one-line errors."""

import numpy as np
import pytest

from staffing.errors import InputError
from staffing.history.intervals import history_from_log, read_history
from staffing.history.log import read_log

HEADER = "arrival,wait,outcome,handle"


def write(tmp_path, text, name="log.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_log_is_read_sorted_with_its_optional_columns(tmp_path):
    path = write(
        tmp_path,
        "Call Start;wait;Outcome;talk;queue;resolved\n"
        "2026-03-02 08:05:10;3;answered;200;a;1\n"
        "\n"
        "2026-03-02 08:01;0;ABANDONED;;b;\n"
        "2026-03-02T09:00:00;12.5;answered;100;a;0\n",
    )
    log = read_log(path, columns={"arrival": "call start", "handle": "talk"})
    assert log.arrival.astype(str).tolist() == [
        "2026-03-02T08:01:00",
        "2026-03-02T08:05:10",
        "2026-03-02T09:00:00",
    ]
    assert log.answered.tolist() == [False, True, True]
    np.testing.assert_array_equal(log.wait, [0.0, 3.0, 12.5])
    np.testing.assert_array_equal(log.handle, [np.nan, 200.0, 100.0])
    assert log.columns["queue"].tolist() == ["b", "a", "a"]
    np.testing.assert_array_equal(log.columns["resolved"], [np.nan, 1.0, 0.0])


def test_blank_padded_cells_are_stripped_and_every_form_is_parsed(tmp_path):
    # blanks next to a delimiter or a line end (even inside quotes) are not part of a value;
    # the usual form, the T form, a missing seconds field and a fraction all parse
    path = write(
        tmp_path,
        "arrival, wait ,outcome,handle,queue\n"
        '2026-03-02 08:05:10, 3 ,Answered, 200," sales "\n'
        "2026-03-02T08:06, 0,abandoned,,support  \n"
        "2026-03-02 08:07:00.75,1,answered,60,sales\n",
    )
    log = read_log(path)
    assert log.arrival.astype(str).tolist() == [
        "2026-03-02T08:05:10",
        "2026-03-02T08:06:00",
        "2026-03-02T08:07:00",
    ]
    np.testing.assert_array_equal(log.wait, [3.0, 0.0, 1.0])
    assert log.answered.tolist() == [True, False, True]
    assert log.columns["queue"].tolist() == ["sales", "support", "sales"]
    # a date without a time is refused even when every other row has the usual form
    bad = write(
        tmp_path, f"{HEADER}\n2026-03-02 08:05:10,3,answered,200\n2026-03-02,1,answered,9\n"
    )
    with pytest.raises(InputError, match=r"log.csv row 3: arrival = '2026-03-02'; expected"):
        read_log(bad)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("2026-03-02 08:05,-3,answered,200", "log.csv row 3: wait = '-3'; wait must be"),
        ("2026-03-02 08:05,,answered,200", "log.csv row 3: wait = ''"),
        ("2026-03-02 08:05,3,served,200", "log.csv row 3: outcome = 'served'; outcome must be"),
        ("02/03/2026 08:05,3,answered,200", "log.csv row 3: arrival = '02/03/2026 08:05'"),
        ("2026-02-30 08:05,3,answered,200", "log.csv row 3: arrival = '2026-02-30 08:05'; not"),
        ("2026-03-02 08:05,3,answered,", "log.csv row 3: handle = ''; an answered contact"),
        ("2026-03-02 08:05,3,answered,0", "log.csv row 3: handle = '0'"),
        ('2026-03-02 08:05,"1,5",answered,200', "log.csv row 3: wait = '1,5'; decimal commas"),
        ("2026-03-02 08:05,nan,answered,200", "log.csv row 3: wait = 'nan'"),
        ("2026-03-02 08:05,3,answered,200,7", "log.csv row 3: 5 fields but the header (row 1)"),
    ],
)
def test_every_reader_error_names_file_row_and_column(tmp_path, row, message):
    path = write(tmp_path, f"{HEADER}\n2026-03-02 08:00,1,answered,100\n{row}\n")
    with pytest.raises(InputError) as error:
        read_log(path)
    assert str(error.value).startswith(f"{path}")
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_a_mapped_column_is_named_with_the_exports_name(tmp_path):
    path = write(tmp_path, "start_time,wait,outcome,handle\n2026-03-02 8:00,x,answered,100\n")
    with pytest.raises(InputError, match=r"row 2: wait = 'x'"):
        read_log(path, columns={"arrival": "start_time"})
    path = write(tmp_path, "start_time,q,outcome,handle\n2026-03-02 8:00,x,answered,100\n", "b.csv")
    with pytest.raises(InputError, match=r"row 2: wait \('q'\) = 'x'"):
        read_log(path, columns={"arrival": "start_time", "wait": "q"})


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"start": "x"}, "columns maps 'start', which is not a log column"),
        ({"arrival": "call_start"}, r"no arrival column; the header \(row 1\) has"),
    ],
)
def test_a_bad_mapping_is_one_line(tmp_path, columns, message):
    path = write(tmp_path, f"{HEADER}\n2026-03-02 08:00,1,answered,100\n")
    with pytest.raises(InputError, match=message):
        read_log(path, columns=columns)


def test_contacts_count_in_the_interval_they_arrive_in(tmp_path):
    path = write(
        tmp_path,
        f"{HEADER}\n"
        "2026-03-02 08:29:59,40,answered,100\n"
        "2026-03-02 08:30:00,0,answered,200\n"
        "2026-03-02 08:45:00,0,answered,400\n"
        "2026-03-02 08:50:00,90,abandoned,\n"
        "2026-03-04 08:10:00,0,abandoned,\n",
    )
    history = history_from_log(read_log(path), 1800)
    assert history.days.astype(str).tolist() == ["2026-03-02", "2026-03-03", "2026-03-04"]
    assert history.slot_starts.tolist() == [8 * 3600, 8.5 * 3600]
    np.testing.assert_array_equal(history.calls, [[1, 3], [np.nan, np.nan], [1, 0]])
    np.testing.assert_array_equal(history.aht, [[100, 300], [np.nan] * 2, [np.nan] * 2])


def test_an_interval_csv_is_a_history_with_missing_days_missing(tmp_path):
    path = write(
        tmp_path,
        "start,Offered Calls,aht,answered\n"
        "2026-03-02 08:00,10,200,9\n"
        "2026-03-02 08:30,12,210,12\n"
        "2026-03-04 09:00,3,100,3\n",
    )
    history = read_history(path, columns={"calls": "offered calls"})
    np.testing.assert_array_equal(history.calls, [[10, 12, 0], [np.nan] * 3, [0, 0, 3]])
    assert history.present.tolist() == [True, False, True]
    with pytest.raises(InputError, match="columns maps 'agents'"):
        read_history(path, columns={"agents": "x"})
