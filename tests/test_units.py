import re

import pytest

from staffing.errors import InputError
from staffing.units import format_duration, parse_duration, parse_fraction, parse_service_target


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("180", 180.0),
        ("2.5", 2.5),
        (".5", 0.5),
        ("0", 0.0),
        ("0s", 0.0),
        ("180s", 180.0),
        ("180sec", 180.0),
        ("180 secs", 180.0),
        ("1 second", 1.0),
        ("90 s", 90.0),
        ("3m", 180.0),
        ("3min", 180.0),
        ("2.5min", 150.0),
        ("3 minutes", 180.0),
        ("1h", 3600.0),
        ("2 hours", 7200.0),
        ("1.5hr", 5400.0),
        ("1h30m", 5400.0),
        ("1h 30min", 5400.0),
        ("1h30m15s", 5415.0),
        ("2m30s", 150.0),
        ("3MIN", 180.0),
        ("  180s  ", 180.0),
    ],
)
def test_parse_duration_accepts(text, seconds):
    assert parse_duration(text, "--aht") == seconds


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "expected a duration like 180, 180s, 3m, 3min, 1h30m"),
        ("   ", "expected a duration like"),
        ("3x", "unknown unit 'x'"),
        ("3ms", "unknown unit 'ms'"),
        ("-5", "must be >= 0"),
        ("-3min", "must be >= 0"),
        ("nan", "expected a duration like"),
        ("inf", "expected a duration like"),
        ("1e3", "expected a duration like"),
        ("3,5min", "expected a duration like"),
        ("min", "expected a duration like"),
        ("1h30", "expected a duration like"),
        ("30m1h", "h, m, s order"),
        ("1m1m", "h, m, s order"),
        ("9" * 400 + "h", "too large"),
    ],
)
def test_parse_duration_rejects(text, problem):
    with pytest.raises(InputError, match=re.escape(f"--aht = {text!r}: ") + ".*" + problem):
        parse_duration(text, "--aht")


def test_parse_duration_message_is_one_line_with_accepted_forms():
    with pytest.raises(InputError) as error:
        parse_duration("3x", "--aht")
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith("--aht = '3x': expected a duration like 180, 180s, 3m, 3min, 1h30m")


@pytest.mark.parametrize(
    ("text", "fraction"),
    [
        ("30%", 0.3),
        ("30 %", 0.3),
        ("12.5%", 0.125),
        ("0%", 0.0),
        ("100%", 1.0),
        ("0.3", 0.3),
        ("0.30", 0.3),
        (".3", 0.3),
        ("0", 0.0),
        ("1", 1.0),
        ("1.0", 1.0),
    ],
)
def test_parse_fraction_accepts(text, fraction):
    assert parse_fraction(text, "--shrinkage") == pytest.approx(fraction, rel=1e-15)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("30", "a bare number must be a fraction between 0 and 1; for a percentage write 30%"),
        ("1.5", "write 1.5%"),
        ("150%", "between 0% and 100%"),
        ("-10%", "between 0% and 100%"),
        ("-0.1", "between 0% and 100%"),
        ("", "expected a share like 30% or 0.3"),
        ("abc", "expected a share like 30% or 0.3"),
        ("nan", "expected a share like"),
        ("0,3", "expected a share like"),
        ("30%%", "expected a share like"),
    ],
)
def test_parse_fraction_rejects(text, problem):
    with pytest.raises(InputError, match=re.escape(f"--shrinkage = {text!r}: ") + ".*" + problem):
        parse_fraction(text, "--shrinkage")


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("80/20", (0.8, 20.0)),
        ("80%/20s", (0.8, 20.0)),
        ("90/15", (0.9, 15.0)),
        ("0.8/20", (0.8, 20.0)),
        ("80/1m", (0.8, 60.0)),
        ("80 % / 20 s", (0.8, 20.0)),
        ("95/0", (0.95, 0.0)),
        ("99.5/30", (0.995, 30.0)),
        ("1%/20", (0.01, 20.0)),
    ],
)
def test_parse_service_target_accepts(text, target):
    share, threshold = parse_service_target(text, "--sl")
    assert share == pytest.approx(target[0], rel=1e-15)
    assert threshold == target[1]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("80", "expected a service-level target like 80/20"),
        ("80/20/5", "expected a service-level target like 80/20"),
        ("", "expected a service-level target like 80/20"),
        ("abc/20", "expected a share before the '/'"),
        ("/20", "expected a share before the '/'"),
        ("100/20", "above 0% and below 100%"),
        ("100%/20", "above 0% and below 100%"),
        ("0/20", "above 0% and below 100%"),
        ("-80/20", "above 0% and below 100%"),
        ("120/20", "above 0% and below 100%"),
        ("1/20", "the share '1' is ambiguous"),
        ("80/", "answer time '': expected a duration like"),
        ("80/-5", "answer time '-5': a duration must be >= 0"),
        ("80/1x", "answer time '1x': .*unknown unit 'x'"),
    ],
)
def test_parse_service_target_rejects(text, problem):
    with pytest.raises(InputError, match=re.escape(f"--sl = {text!r}: ") + ".*" + problem):
        parse_service_target(text, "--sl")


@pytest.mark.parametrize(
    ("seconds", "label"),
    [
        (0, "0 s"),
        (20, "20 s"),
        (22.5, "22.5 s"),
        (180, "180 s"),
        (240.04, "240 s"),
        (599, "599 s"),
        (600, "10 min"),
        (900, "15 min"),
        (1800, "30 min"),
        (5400, "90 min"),
        (3600, "1 h"),
        (7200, "2 h"),
        (1234.56, "1234.6 s"),
        (-0.01, "0 s"),
        (float("inf"), "inf s"),
    ],
)
def test_format_duration(seconds, label):
    assert format_duration(seconds) == label


@pytest.mark.parametrize("seconds", [20.0, 180.0, 900.0, 1800.0, 3600.0, 5400.0])
def test_format_duration_round_trips_through_parse_duration(seconds):
    assert parse_duration(format_duration(seconds).replace(" ", ""), "x") == seconds
