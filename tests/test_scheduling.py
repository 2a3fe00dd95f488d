"""Shift scheduling: known optima of small cases solved by hand, limits, messages, inputs."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffing.errors import InputError
from staffing.forecast import Forecast
from staffing.scheduling import ScheduleStatus, schedule
from staffing.shifts import BreakRule, ShiftPattern, coverage

H = 3600.0


def hours(n: int) -> np.ndarray:
    return np.arange(n) * H


def test_flat_requirement_one_pattern_two_agents():
    day = ShiftPattern("day", 4 * H, starts=(0,))
    result = schedule([2, 2, 2, 2], hours(4), H, [day])
    assert result.status is ScheduleStatus.OPTIMAL
    assert result.headcount == 2
    assert result.cost == pytest.approx(8.0)  # 2 agents x 4 paid hours
    assert result.paid_hours == pytest.approx(8.0)
    assert result.objective == pytest.approx(8.0)
    assert [(s.start, s.end, s.headcount, s.name) for s in result.shifts] == [
        (0.0, 4 * H, 2, "day 00:00")
    ]
    np.testing.assert_allclose(result.coverage, [2, 2, 2, 2])
    np.testing.assert_allclose(result.shortfall, 0)
    assert result.uncovered == []
    assert result.messages == []


def test_requirement_needing_two_staggered_starts():
    # [1, 2, 2, 1]: only starts 00:00 and 01:00 of a 3-h pattern give it with two shifts.
    three = ShiftPattern("3h", 3 * H, starts=(0, H, 2 * H, 3 * H))
    result = schedule([1, 2, 2, 1], hours(4), H, [three])
    assert result.cost == pytest.approx(6.0)
    assert sorted((s.start, s.headcount) for s in result.shifts) == [(0.0, 1), (H, 1)]
    np.testing.assert_allclose(result.coverage, [1, 2, 2, 1])


def test_break_window_lets_the_optimizer_stagger_breaks():
    # 4-h shifts starting 00:00, 01:00 or 02:00, each with a 1-h unpaid break. With the break
    # anywhere from 1 h to 2 h after the start, 3 agents cover [2, 1, 1, 1, 1, 1] (e.g. two
    # start at 00:00 and break at 02:00, one starts at 02:00 and breaks at 03:00).
    requirement = [2, 1, 1, 1, 1, 1]

    def solve(earliest: float, latest: float):
        rule = BreakRule(H, earliest, latest)
        pattern = ShiftPattern("4h", 4 * H, starts=(0, H, 2 * H), breaks=(rule,))
        return schedule(requirement, hours(6), H, [pattern], opening=(0, 6 * H))

    flexible = solve(H, 2 * H)
    assert flexible.headcount == 3
    assert flexible.paid_hours == pytest.approx(9.0)  # 3 agents x (4 h - 1 h unpaid)
    np.testing.assert_allclose(flexible.shortfall, 0)
    offsets = {b.start - s.start for s in flexible.shifts for b in s.breaks}
    assert len(offsets) == 2  # the break is not at one fixed offset
    # A fixed break (the same for every agent of a start) needs a fourth agent.
    assert solve(H, H).headcount == 4
    assert solve(2 * H, 2 * H).headcount == 4


def test_max_headcount_binds_and_shortfall_is_reported():
    day = ShiftPattern("day", 4 * H, starts=(0,))
    result = schedule([2, 2, 2, 2], hours(4), H, [day], max_headcount=1)
    assert result.status is ScheduleStatus.OPTIMAL
    assert result.headcount == 1
    np.testing.assert_allclose(result.shortfall, [1, 1, 1, 1])
    assert result.cost == pytest.approx(4.0)
    # Default penalty: one agent-interval short costs 10 x the dearest shift (4 h) = 40.
    assert result.objective == pytest.approx(4.0 + 4 * 40.0)
    assert any("4 agent-hours short" in m for m in result.messages)
    assert any("max_headcount = 1 binds" in m for m in result.messages)


def test_interval_no_pattern_covers_is_named():
    early = ShiftPattern("early", 2 * H, starts=(0,))
    result = schedule([1, 1, 0, 4], hours(4), H, [early])
    assert result.uncovered == [3]
    np.testing.assert_allclose(result.shortfall, [0, 0, 0, 4])
    assert "interval 03:00 needs 4 agents but no shift pattern covers it" in result.messages
    run = schedule([1, 1, 2, 3], hours(4), H, [early])
    assert run.uncovered == [2, 3]
    assert "intervals 02:00-04:00 need up to 3 agents but no shift pattern covers them" in (
        run.messages
    )


def test_uncovered_interval_on_a_multi_day_horizon_names_the_day():
    early = ShiftPattern("early", 2 * H, starts=(0,))
    requirement = np.zeros(48, dtype=int)
    requirement[[0, 30]] = 1
    result = schedule(requirement, hours(48), H, [early])
    assert result.uncovered == [30]
    assert "interval day 2 06:00 needs 1 agent but no shift pattern covers it" in (result.messages)


def test_a_break_that_must_fall_in_an_interval_leaves_it_uncovered():
    # A 1-h shift whose 30-min break may only start 15 min in: the 30-min interval from
    # 00:15 is always on break, so no pattern can cover it.
    rule = BreakRule(1800, 900, 900)
    short = ShiftPattern("short", 3600, starts=(0,), breaks=(rule,))
    result = schedule([1, 0, 1, 1], np.arange(4) * 900, 900, [short])
    assert result.uncovered == [2]
    np.testing.assert_allclose(result.coverage, [1, 0, 0, 1])


def _full_and_part_time() -> list[ShiftPattern]:
    return [
        ShiftPattern("full", 4 * H, starts=(0,)),
        ShiftPattern("part", 2 * H, starts=(0, 2 * H), hourly_cost=0.9, part_time=True),
    ]


def test_part_time_share_limit_binds():
    requirement = [1, 1, 2, 2]
    free = schedule(requirement, hours(4), H, _full_and_part_time())
    assert free.cost == pytest.approx(5.4)  # three part-time shifts of 2 h at 0.9
    assert free.headcount == 3
    half = schedule(requirement, hours(4), H, _full_and_part_time(), max_part_time_share=0.5)
    assert half.cost == pytest.approx(5.8)  # one full-time 4 h + one part-time 2 h at 0.9
    assert sorted(s.name for s in half.shifts) == ["full 00:00", "part 02:00"]
    assert "max_part_time_share = 0.5 binds: 1 of 2 agents part-time" in half.messages
    none = schedule(requirement, hours(4), H, _full_and_part_time(), max_part_time_share=0)
    assert none.cost == pytest.approx(8.0)  # two full-time shifts
    assert none.headcount == 2


def test_max_agents_per_start_binds():
    cheap = ShiftPattern("cheap", 4 * H, starts=(0,), max_agents=1)
    dear = ShiftPattern("dear", 4 * H, starts=(0,), hourly_cost=1.5)
    result = schedule([2, 2, 2, 2], hours(4), H, [cheap, dear])
    assert result.cost == pytest.approx(4.0 + 6.0)
    assert sorted((s.name, s.headcount) for s in result.shifts) == [
        ("cheap 00:00", 1),
        ("dear 00:00", 1),
    ]
    assert "max_agents = 1 of pattern 'cheap' binds at 00:00" in result.messages


def test_min_headcount_adds_agents():
    day = ShiftPattern("day", 4 * H, starts=(0,))
    result = schedule([1, 1, 1, 1], hours(4), H, [day], min_headcount=3)
    assert result.headcount == 3
    assert result.cost == pytest.approx(12.0)


def test_night_shift_crosses_midnight_on_a_two_day_horizon():
    requirement = np.zeros(48, dtype=int)
    requirement[22:30] = 1  # 22:00 on day 1 to 06:00 on day 2
    night = ShiftPattern("night", 8 * H, starts=(22 * H,))
    result = schedule(requirement, hours(48), H, [night])
    assert [(s.start, s.end, s.headcount, s.name) for s in result.shifts] == [
        (22 * H, 30 * H, 1, "night 22:00")
    ]
    assert result.cost == pytest.approx(8.0)
    np.testing.assert_allclose(result.coverage, requirement)


def test_opening_hours_on_a_grid_with_gaps_between_days():
    # Open 08:00-20:00 on two days; one agent needed in the last hour of each day.
    grid = np.concatenate([np.arange(8, 20), np.arange(32, 44)]) * H
    requirement = np.zeros(grid.size, dtype=int)
    requirement[[11, 23]] = 1
    late = ShiftPattern("late", 4 * H, starts=(15 * H, 16 * H, 17 * H))
    result = schedule(requirement, grid, H, [late], opening=(8 * H, 20 * H))
    assert sorted(s.start for s in result.shifts) == [16 * H, 40 * H]  # 16:00-20:00 each day
    assert result.cost == pytest.approx(8.0)
    np.testing.assert_allclose(result.shortfall, 0)


def test_overnight_opening_allows_shifts_after_midnight():
    requirement = np.zeros(48, dtype=int)
    requirement[24:26] = 1  # 00:00-02:00 on day 2
    night = ShiftPattern("night", 4 * H, starts=(22 * H, 23 * H))
    result = schedule(requirement, hours(48), H, [night], opening=(18 * H, 26 * H))
    assert [s.start for s in result.shifts] == [22 * H]  # 23:00 would end after 02:00


def test_paid_breaks_count_in_cost_and_off_the_phones():
    # A 2-h shift with a paid 30-min break 1 h after its start, starting 00:00 or 00:30.
    rule = BreakRule(1800, 3600, 3600, paid=True)
    day = ShiftPattern("day", 2 * H, starts=(0, 1800), breaks=(rule,))
    result = schedule([1, 1, 1, 1], np.arange(4) * 1800, 1800, [day])
    # The 00:00 agent is on break 01:00-01:30, so a second agent starts at 00:30 (and works
    # past the horizon's end, paid).
    assert sorted(s.start for s in result.shifts) == [0, 1800]
    assert result.paid_hours == pytest.approx(4.0)  # paid breaks count
    np.testing.assert_allclose(result.coverage, [1, 2, 1, 1])


def test_realistic_day_of_15_min_intervals():
    k = np.arange(96)
    t = k / 4
    requirement = np.round(
        30 * np.exp(-(((t - 11) / 3.5) ** 2)) + 18 * np.exp(-(((t - 17) / 3) ** 2)) + 2
    )
    patterns = [
        ShiftPattern(
            "full",
            8.5 * H,
            starts=tuple(np.arange(0, 15.5 * H, 1800)),
            breaks=(BreakRule(900, 1.5 * H, 3 * H, paid=True), BreakRule(1800, 3.5 * H, 5 * H)),
        ),
        ShiftPattern(
            "part",
            4 * H,
            starts=tuple(np.arange(0, 20.5 * H, 1800)),
            breaks=(BreakRule(900, 1.5 * H, 2.5 * H, paid=True),),
            part_time=True,
        ),
    ]
    result = schedule(requirement, k * 900, 900, patterns, max_part_time_share=0.3)
    assert result.status is ScheduleStatus.OPTIMAL
    assert result.gap <= 0.005
    np.testing.assert_allclose(result.shortfall, 0)
    np.testing.assert_allclose(coverage(result.shifts, 900, 96), result.coverage)
    assert result.paid_hours >= requirement.sum() / 4  # paid time covers the phones time


@settings(max_examples=15)
@given(
    requirement=st.lists(st.integers(0, 3), min_size=4, max_size=10),
    earliest=st.sampled_from([1800.0, 3600.0]),
    width=st.sampled_from([0.0, 900.0, 1800.0]),
    paid=st.booleans(),
)
def test_returned_shifts_reproduce_the_reported_coverage(requirement, earliest, width, paid):
    rule = BreakRule(900, earliest, earliest + width, paid=paid)
    patterns = [
        ShiftPattern("3h", 3 * H, starts=tuple(np.arange(0, 24 * H, 1800)), breaks=(rule,)),
        ShiftPattern("1h", H, starts=tuple(np.arange(0, 24 * H, 1800))),
    ]
    grid = np.arange(len(requirement)) * 1800.0
    result = schedule(requirement, grid, 1800, patterns)
    np.testing.assert_allclose(coverage(result.shifts, 1800, len(requirement)), result.coverage)
    np.testing.assert_allclose(result.shortfall, 0)  # every interval can be covered
    assert np.all(result.coverage >= np.array(requirement) - 1e-9)
    assert result.headcount == sum(s.headcount for s in result.shifts)
    for shift in result.shifts:
        for b in shift.breaks:
            assert earliest <= b.start - shift.start <= earliest + width
            assert b.end - b.start == 900
    unpaid = 0 if paid else 0.25
    expected = sum(s.headcount * (3 - unpaid if s.breaks else 1) for s in result.shifts)
    assert result.paid_hours == pytest.approx(expected)
    assert result.cost == pytest.approx(result.paid_hours)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"duration": 0, "earliest": 0, "latest": 0}, "BreakRule.duration"),
        ({"duration": 900, "earliest": -1, "latest": 0}, "BreakRule.earliest"),
        ({"duration": 900, "earliest": 3600, "latest": 1800}, "BreakRule.latest"),
        ({"duration": 900, "earliest": 0, "latest": 0, "paid": "yes"}, "paid"),
    ],
)
def test_bad_break_rule_names_the_field(kwargs, field):
    with pytest.raises(InputError, match=field):
        BreakRule(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"name": ""}, "ShiftPattern.name"),
        ({"length": 0}, "length"),
        ({"length": 25 * H}, "length"),
        ({"starts": ()}, "starts is empty"),
        ({"starts": (0, 0)}, "starts has a time twice"),
        ({"starts": (86400,)}, "starts"),
        ({"starts": "08:00"}, "starts"),
        ({"breaks": (BreakRule(1800, 3.8 * H, 3.8 * H),)}, "break 1 may end"),
        (
            {"breaks": (BreakRule(1800, H, 2 * H), BreakRule(900, 2 * H, 3 * H))},
            "break windows 1 and 2 overlap",
        ),
        ({"breaks": (900,)}, "breaks must be a sequence of BreakRule"),
        ({"hourly_cost": 0}, "hourly_cost"),
        ({"max_agents": -1}, "max_agents"),
        ({"max_agents": 1.5}, "max_agents"),
        ({"part_time": 1}, "part_time"),
    ],
)
def test_bad_shift_pattern_names_the_field(kwargs, text):
    fields = {"name": "early", "length": 4 * H, "starts": (0,), **kwargs}
    with pytest.raises(InputError, match=text):
        ShiftPattern(**fields)


DAY = ShiftPattern("day", 4 * H, starts=(0,))


@pytest.mark.parametrize(
    ("args", "kwargs", "text"),
    [
        (([1, 1], hours(2), 600, [DAY]), {}, "interval = 600"),
        (([1, -1], hours(2), H, [DAY]), {}, r"requirement\[1\]"),
        (([1, 0.5], hours(2), H, [DAY]), {}, r"requirement\[1\]"),
        (([], [], H, [DAY]), {}, "requirement must be a non-empty"),
        ((["a"], [0], H, [DAY]), {}, "arrays of numbers"),
        (([1, 1], hours(3), H, [DAY]), {}, "grid_start has 3 starts"),
        (([1, 1], [0, 1800], H, [DAY]), {}, r"grid_start\[1\] = 1800"),
        (([1, 1], [H, 0], H, [DAY]), {}, r"grid_start\[1\] = 0 is not after"),
        (([1], [0], H, []), {}, "patterns must be a non-empty"),
        (([1], [0], H, DAY), {}, "patterns must be a sequence"),
        (([1], [0], H, [DAY, DAY]), {}, "name 'day' is used twice"),
        (([1], [0], H, [DAY]), {"opening": (8 * H,)}, "opening"),
        (([1], [0], H, [DAY]), {"opening": (8 * H, 7 * H)}, "opening"),
        (([1], [0], H, [DAY]), {"max_part_time_share": 1.5}, "max_part_time_share"),
        (([1], [0], H, [DAY]), {"max_headcount": -1}, "max_headcount"),
        (([1], [0], H, [DAY]), {"min_headcount": 2, "max_headcount": 1}, "min_headcount = 2"),
        (([1], [0], H, [DAY]), {"shortfall_penalty": 0}, "shortfall_penalty"),
        (([1], [0], H, [DAY]), {"break_step": 0}, "break_step"),
        (([1], [0], H, [DAY]), {"time_limit": -1}, "time_limit"),
        (([1], [0], H, [DAY]), {"mip_gap": 1}, "mip_gap"),
    ],
)
def test_bad_schedule_input_names_the_field(args, kwargs, text):
    with pytest.raises(InputError, match=text):
        schedule(*args, **kwargs)


def test_min_headcount_beyond_the_limits_is_an_input_error():
    capped = ShiftPattern("capped", 4 * H, starts=(0,), max_agents=2)
    with pytest.raises(InputError, match="min_headcount = 3 cannot be reached"):
        schedule([1], [0], H, [capped], min_headcount=3)


def test_a_tie_in_cost_puts_the_surplus_where_agents_are_required():
    # 2-hour shifts starting on any hour 0-4 h; required [3, 1, 2, 0, 3, 1]. Eight shifts
    # (16 paid hours) are needed however they start: hours 0 and 4 need 3 starts each at 0 h
    # and 3 h or 4 h, and hour 2 needs 2 more starts at 1 h or 2 h. Without a tie-break HiGHS
    # returned [3, 3, 2, 2, 3, 3]: two agents idle in hour 3, which requires nobody. Weighting
    # coverage by 1 / (1 + requirement) moves them to start at 1 h and 4 h instead.
    two = ShiftPattern("two hours", 2 * H, starts=tuple(h * H for h in range(5)))
    result = schedule([3, 1, 2, 0, 3, 1], hours(6), H, [two])
    assert result.status is ScheduleStatus.OPTIMAL
    np.testing.assert_allclose(result.coverage, [3, 5, 2, 0, 3, 3])
    assert result.cost == pytest.approx(16.0)
    assert result.objective == pytest.approx(16.0)


def test_a_cyclic_horizon_lets_the_last_night_cover_the_first_morning():
    # one 24-hour day in hours, 2 agents needed 22:00-06:00 only; the one pattern starts at
    # 22:00 and lasts 8 h. Without wrapping, 00:00-06:00 cannot be covered (nothing starts
    # before it); on a cyclic horizon (the day repeats), the 22:00 shift's last 6 hours are
    # the next cycle's 00:00-06:00: 2 agents cover everything.
    H = 3600.0
    requirement = np.zeros(24, dtype=int)
    requirement[:6] = 2
    requirement[22:] = 2
    night = ShiftPattern("night", 8 * H, (22 * H,))
    open_ended = schedule(requirement, np.arange(24) * H, H, [night])
    assert open_ended.shortfall[:6].sum() == 12
    cyclic = schedule(requirement, np.arange(24) * H, H, [night], cyclic=True)
    assert cyclic.headcount == 2
    assert cyclic.shortfall.sum() == 0
    np.testing.assert_array_equal(cyclic.coverage, requirement)
    # the simulation of that schedule puts the same agents on the phones at 00:00
    from staffing.simulation import Grid, windows_from_shifts

    fc = Forecast(
        start=np.datetime64("2026-03-02T00:00") + np.arange(24) * np.timedelta64(3600, "s"),
        calls=np.where(requirement > 0, 10.0, 0.0),
        aht=np.full(24, 200.0),
        interval=3600,
    )
    windows = windows_from_shifts(cyclic.shifts, Grid.of(fc), cyclic=True)
    assert [w[:2] for w in windows.windows[0]] == [(0.0, 6 * H), (22 * H, 24 * H)]
    # paid once: 8 hours per agent, wherever they fall
    paid = windows.paid
    assert ((paid[:, 1] - paid[:, 0]) * paid[:, 2]).sum() == 2 * 8 * H
