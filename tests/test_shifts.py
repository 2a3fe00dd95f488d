"""Tests of ``staffing.shifts``: on-phone windows, paid time, coverage, validation.

Times are seconds from midnight of the horizon's first day; ``H`` is one hour.
"""

import numpy as np
import pytest

from staffing.errors import InputError
from staffing.shifts import Break, Shift, coverage

H = 3600.0
M = 60.0


# --------------------------------------------------------------------------- windows


def test_windows_without_breaks_is_the_whole_shift():
    assert Shift(8 * H, 16 * H).windows() == [(8 * H, 16 * H)]


def test_windows_with_one_break():
    s = Shift(8 * H, 16 * H, breaks=(Break(12 * H, 12.5 * H),))
    assert s.windows() == [(8 * H, 12 * H), (12.5 * H, 16 * H)]


def test_windows_with_two_breaks_given_out_of_order():
    s = Shift(
        8 * H,
        16.5 * H,
        breaks=(Break(12 * H, 12.5 * H), Break(10 * H, 10 * H + 15 * M, paid=True)),
    )
    assert s.windows() == [
        (8 * H, 10 * H),
        (10 * H + 15 * M, 12 * H),
        (12.5 * H, 16.5 * H),
    ]


def test_back_to_back_breaks_make_no_empty_window():
    s = Shift(8 * H, 12 * H, breaks=(Break(10 * H, 10.25 * H), Break(10.25 * H, 10.5 * H)))
    assert s.windows() == [(8 * H, 10 * H), (10.5 * H, 12 * H)]


def test_night_shift_crosses_midnight():
    s = Shift(22 * H, 30 * H, breaks=(Break(26 * H, 26.5 * H),))
    assert s.windows() == [(22 * H, 26 * H), (26.5 * H, 30 * H)]
    assert s.paid_seconds == 7.5 * H


# --------------------------------------------------------------------------- paid time


def test_paid_seconds_counts_paid_breaks_and_drops_unpaid_ones():
    # 8:00-16:30 (8.5 h) with two paid 15-min breaks and an unpaid 30-min lunch: 8 h paid
    s = Shift(
        8 * H,
        16.5 * H,
        headcount=3,
        breaks=(
            Break(10 * H, 10.25 * H, paid=True),
            Break(12 * H, 12.5 * H, paid=False),
            Break(14.5 * H, 14.75 * H, paid=True),
        ),
    )
    assert s.paid_seconds == 8 * H  # per agent, whatever the headcount
    assert Shift(8 * H, 16 * H).paid_seconds == 8 * H
    assert Shift(8 * H, 16 * H, breaks=(Break(12 * H, 13 * H),)).paid_seconds == 7 * H


# --------------------------------------------------------------------------- coverage


def test_coverage_two_agents_with_a_break_on_30_minute_intervals():
    # 2 agents 08:00-16:00, 30-min break at 12:00: 2 on the phones in intervals 08:00 ...
    # 15:30 except the 12:00 interval (index 24), nobody outside the shift.
    s = Shift(8 * H, 16 * H, headcount=2, breaks=(Break(12 * H, 12.5 * H),))
    cov = coverage([s], 1800.0, 48)
    expected = np.zeros(48)
    expected[16:32] = 2.0
    expected[24] = 0.0
    np.testing.assert_array_equal(cov, expected)


def test_coverage_counts_half_intervals_as_half_the_headcount():
    # break 12:15-12:45 straddles two intervals; shift starts at 08:15 and ends at 16:15
    s = Shift(8.25 * H, 16.25 * H, headcount=2, breaks=(Break(12.25 * H, 12.75 * H),))
    cov = coverage([s], 1800.0, 48)
    expected = np.zeros(48)
    expected[16:33] = 2.0
    expected[[16, 24, 25, 32]] = 1.0
    np.testing.assert_allclose(cov, expected, rtol=0, atol=1e-12)


def test_coverage_adds_shifts_and_ignores_time_after_the_horizon():
    shifts = [
        Shift(0.0, 2 * H, headcount=1),
        Shift(1 * H, 3 * H, headcount=3),  # runs past the 2-hour horizon
        Shift(0.5 * H, 1 * H, headcount=0),
    ]
    np.testing.assert_array_equal(coverage(shifts, 3600.0, 2), [1.0, 4.0])
    np.testing.assert_array_equal(coverage([], 900.0, 3), [0.0, 0.0, 0.0])


def test_coverage_integrates_to_on_phone_hours():
    s = Shift(7 * H + 10 * M, 15 * H + 40 * M, headcount=4, breaks=(Break(11 * H, 11.75 * H),))
    cov = coverage([s], 900.0, 96)
    on_phone = sum(off - on for on, off in s.windows()) * s.headcount
    assert cov.sum() * 900.0 == pytest.approx(on_phone, rel=1e-12)


# --------------------------------------------------------------------------- validation


def test_end_before_start_names_the_shift():
    with pytest.raises(InputError, match=r"early: end \(28800 s\) must be after start"):
        Shift(9 * H, 8 * H, name="early")
    with pytest.raises(InputError, match="must be after start"):
        Shift(8 * H, 8 * H)


@pytest.mark.parametrize("start", [-1.0, np.nan, np.inf])
def test_start_must_be_finite_and_not_negative(start):
    with pytest.raises(InputError, match="start and end must be finite seconds >= 0"):
        Shift(start, 10 * H)


@pytest.mark.parametrize("headcount", [-1, 1.5])
def test_headcount_must_be_a_whole_number_not_negative(headcount):
    with pytest.raises(InputError, match=rf"headcount = {headcount!r}; must be a whole number"):
        Shift(8 * H, 16 * H, headcount=headcount)


def test_zero_headcount_is_allowed():
    assert Shift(8 * H, 16 * H, headcount=0).headcount == 0


@pytest.mark.parametrize(
    "breaks",
    [
        (Break(7 * H, 8.5 * H),),  # starts before the shift
        (Break(15.5 * H, 16.5 * H),),  # ends after the shift
        (Break(17 * H, 17.5 * H),),  # wholly outside
        (Break(12 * H, 12 * H),),  # empty
        (Break(12.5 * H, 12 * H),),  # ends before it starts
        (Break(12 * H, 13 * H), Break(12.5 * H, 13.5 * H)),  # overlapping
        (Break(12.5 * H, 13.5 * H), Break(12 * H, 13 * H)),  # overlapping, given out of order
    ],
)
def test_bad_breaks_are_refused(breaks):
    with pytest.raises(InputError, match=r"day: break .* must lie inside the shift"):
        Shift(8 * H, 16 * H, breaks=breaks, name="day")


def test_people_are_the_fewest_who_work_the_shifts_on_five_days():
    # a week: 3 shifts a day on weekdays, 1 on the weekend = 17 shifts; 5 days each need
    # ceil(17 / 5) = 4 people, and no day needs more than 3 (McNaughton's wrap-around)
    from staffing.shifts import people

    H = 3600.0
    week = [Shift(d * 86_400 + 8 * H, d * 86_400 + 16 * H, 3 if d < 5 else 1) for d in range(7)]
    assert people(week, days=7) == 4
    # one busy day caps it from below: 9 shifts on Monday need 9 people
    assert people([Shift(8 * H, 16 * H, 9), *week[1:]], days=7) == 9
    # a day's plan staffed every day of the week: 10 shifts a day, 5 days each -> 14 people
    assert people([Shift(8 * H, 16 * H, 10)], days=1) == 14
    assert people([Shift(8 * H, 16 * H, 10)], days=1, days_per_week=7) == 10
    # a night shift belongs to the day it starts
    assert people([Shift(6 * 86_400 + 22 * H, 7 * 86_400 + 6 * H, 2)], days=7) == 2
