"""The scorecard on a hand-made log: every KPI, every period boundary, counted by hand.

Seven contacts from Sunday 2026-03-29 (ISO week 13, March) to Wednesday 2026-04-01 (week
14, April), with no contact on Tuesday 2026-03-31 (an empty day). Answer time T = 20 s.

| contact | arrival          | wait | outcome   | handle | queue   | channel | agent | customer |
|---------|------------------|------|-----------|--------|---------|---------|-------|----------|
| c1      | 03-29 10:00:00   | 10   | answered  | 300    | sales   | voice   | ann   | x        |
| c2      | 03-29 10:05:00   | 30   | answered  | 200    | sales   | voice   | bob   | y        |
| c3      | 03-29 10:10:00   | 25   | abandoned |        | sales   | voice   |       | z        |
| c4      | 03-29 11:00:00   | 5    | abandoned |        | chat    | chat    |       | w        |
| c5      | 03-30 09:00:00   | 0    | answered  | 400    | support | voice   | ann   | x        |
| c6      | 03-30 09:30:00   | 0    | answered  | 100    | chat    | chat    | bob   | v        |
| c7      | 04-01 08:00:00   | 40   | answered  | 600    | support | voice   | ann   | u        |
"""

import math

import numpy as np
import pytest

from staffing.benchmarks import SECTORS, ScorecardTargets, benchmarks
from staffing.costs import CostModel
from staffing.errors import InputError
from staffing.history.feedback import read_agent_time, read_qa, read_surveys
from staffing.history.log import ContactLog, read_log
from staffing.history.scorecard import COLUMNS, periods, scorecard
from staffing.requirements import ServiceTargets

LOG = """contact,arrival,wait,outcome,handle,queue,channel,agent,customer,resolved
c1,2026-03-29 10:00:00,10,answered,300,sales,voice,ann,x,1
c2,2026-03-29 10:05:00,30,answered,200,sales,voice,bob,y,0
c3,2026-03-29 10:10:00,25,abandoned,,sales,voice,,z,
c4,2026-03-29 11:00:00,5,abandoned,,chat,chat,,w,
c5,2026-03-30 09:00:00,0,answered,400,support,voice,ann,x,1
c6,2026-03-30 09:30:00,0,answered,100,chat,chat,bob,v,1
c7,2026-04-01 08:00:00,40,answered,600,support,voice,ann,u,
"""

SURVEYS = """contact,csat,nps,ces
c1,5,10,2
c2,3,6,5
c5,4,9,
c6,2,9,1
c7,,0,7
c99,5,10,1
"""

QA = """contact,agent,date,score
c1,,,90
,bob,2026-03-30,70
c7,,,80
c99,,,10
"""

AGENT_TIME = """agent,date,logged_in,paid
ann,2026-03-29,3600,4000
bob,2026-03-29,1800,2000
ann,2026-03-30,3600,3600
ann,2026-04-01,1200,1800
"""


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def log_path(tmp_path):
    return _write(tmp_path, "log.csv", LOG)


@pytest.fixture
def without_resolved(tmp_path):
    lines = [line.rsplit(",", 1)[0] for line in LOG.splitlines()]
    return read_log(_write(tmp_path, "log2.csv", "\n".join(lines) + "\n"))


@pytest.fixture
def card(tmp_path, log_path):
    return scorecard(
        read_log(log_path),
        surveys=read_surveys(_write(tmp_path, "s.csv", SURVEYS)),
        qa=read_qa(_write(tmp_path, "qa.csv", QA)),
        agent_time=read_agent_time(_write(tmp_path, "t.csv", AGENT_TIME)),
        service=ServiceTargets(service_level=0.8, threshold=20.0, asa=15.0, abandon_rate=0.05),
        tolerance=0.05,
        settings=ScorecardTargets(targets={"csat": 0.5, "fcr": 0.7, "nps": 25.0}),
        costs=CostModel(hourly_wage=36.0, fixed_monthly=304.0),
    )


def test_columns_start_with_the_design_contract(card):
    assert tuple(card.table.columns) == COLUMNS
    assert list(card.table.columns[:6]) == ["period", "queue", "kpi", "value", "target", "status"]
    assert set(card.table.status) <= {"green", "yellow", "red", "none"}


def test_period_labels_and_boundaries():
    spans = periods(np.datetime64("2026-03-29"), np.datetime64("2026-04-01"))
    assert spans["day"][0] == ["2026-03-29", "2026-03-30", "2026-03-31", "2026-04-01"]
    # Sunday 03-29 closes ISO week 13; Monday 03-30 opens week 14, which runs into April
    assert spans["week"] == (["2026-W13", "2026-W14"], pytest.approx([0, 1, 1, 1]))
    assert spans["month"][0] == ["2026-03", "2026-04"]
    assert list(spans["month"][1]) == [0, 0, 0, 1]
    assert spans["all"][0] == ["all"]


# hand counts, all contacts: offered 7, answered 5, abandoned 2 (c3, c4), answered within
# 20 s 3 (c1, c5, c6), short abandons 1 (c4), queued 5, waits 10+30+25+5+0+0+40 = 110,
# answered waits 80, handle 300+200+400+100+600 = 1600
ALL_PERIOD = {
    "offered": 7,
    "service_level": 3 / 7,
    "service_level_answered": 3 / 5,
    "service_level_excl_short_abandons": 3 / 6,
    "asa": 80 / 5,
    "mean_wait": 110 / 7,
    "p_wait": 5 / 7,
    "abandon_rate": 2 / 7,
    "aht": 1600 / 5,
    # agent time: logged 10,200 s, paid 11,400 s
    "occupancy": 1600 / 10_200,
    "utilization": 1600 / 11_400,
    # 11,400 paid s at 36 $/h = 114 $, fixed 304 $/month x 4 days / 30.4 = 40 $
    "cost_per_contact": (114 + 40) / 5,
    # issues c1 (1), c2 (0), c6 (1): c5 repeats c1 within 7 days, c7 has no flag
    "fcr": 2 / 3,
    "resolution_rate": 3 / 4,
    # csat answers c1 5, c2 3, c5 4, c6 2: two of four are 4-5
    "csat": 2 / 4,
    # nps answers 10, 6, 9, 9, 0: promoters 3, detractors 2
    "nps": 100 * (3 - 2) / 5,
    "ces": (2 + 5 + 1 + 7) / 4,
    # c1 90, bob on 03-30 70, c7 80 (c99 is not in the log)
    "qa_score": (90 + 70 + 80) / 3,
}


@pytest.mark.parametrize(("kpi", "expected"), ALL_PERIOD.items())
def test_every_kpi_over_the_whole_period(card, kpi, expected):
    assert card.value(kpi) == pytest.approx(expected, rel=1e-12)


DAYS = {
    # 03-29: offered 4, answered 2 (c1 10 s, c2 30 s), abandoned 2 (c3 25 s, c4 5 s)
    "2026-03-29": {
        "offered": 4,
        "service_level": 1 / 4,
        "service_level_answered": 1 / 2,
        "service_level_excl_short_abandons": 1 / 3,
        "asa": 20.0,
        "mean_wait": 70 / 4,
        "p_wait": 1.0,
        "abandon_rate": 0.5,
        "aht": 250.0,
        "occupancy": 500 / 5400,
        "utilization": 500 / 6000,
        "cost_per_contact": (60 + 10) / 2,
        "fcr": 1 / 2,
        "csat": 1 / 2,
        "nps": 0.0,
        "ces": 3.5,
        "qa_score": 90.0,
    },
    "2026-03-30": {
        "offered": 2,
        "service_level": 1.0,
        "asa": 0.0,
        "p_wait": 0.0,
        "abandon_rate": 0.0,
        "aht": 250.0,
        "fcr": 1.0,
        "csat": 1 / 2,
        "nps": 100.0,
        "qa_score": 70.0,
    },
    "2026-04-01": {"offered": 1, "service_level": 0.0, "asa": 40.0, "aht": 600.0},
    "2026-W13": {"offered": 4, "service_level": 1 / 4},
    "2026-W14": {"offered": 3, "service_level": 2 / 3, "asa": 40 / 3, "aht": 1100 / 3},
    "2026-03": {
        "offered": 6,
        "service_level": 3 / 6,
        "service_level_answered": 3 / 4,
        "service_level_excl_short_abandons": 3 / 5,
        "asa": 10.0,
        "abandon_rate": 2 / 6,
        "aht": 250.0,
        "qa_score": 80.0,
    },
    "2026-04": {"offered": 1, "service_level": 0.0, "qa_score": 80.0, "ces": 7.0},
}


@pytest.mark.parametrize("period", DAYS)
def test_days_weeks_and_months(card, period):
    for kpi, expected in DAYS[period].items():
        assert card.value(kpi, period) == pytest.approx(expected, rel=1e-12), kpi


def test_an_empty_day_has_no_values_and_no_colour(card):
    empty = card.table[card.table.period == "2026-03-31"]
    assert not empty.empty
    assert (empty.loc[empty.kpi == "offered", "value"] == 0).all()
    rest = empty[empty.kpi != "offered"]
    assert rest.value.isna().all()
    assert (rest.status == "none").all()


def test_queues_and_channels(card):
    # sales: c1, c2, c3; chat: c4, c6; support: c5, c7
    assert card.value("offered", queue="sales", channel="voice") == 3
    assert card.value("service_level", queue="sales", channel="voice") == pytest.approx(1 / 3)
    assert card.value("abandon_rate", queue="chat", channel="chat") == pytest.approx(1 / 2)
    assert card.value("qa_score", queue="support", channel="voice") == pytest.approx(80.0)
    # channels: voice = sales + support, chat = chat
    assert card.value("offered", channel="voice") == 5
    assert card.value("resolution_rate", channel="chat") == pytest.approx(1.0)
    # a queue's cost is its share of handle time: sales 500 of 1,600 s of 154 $, 2 answered
    cost = card.value("cost_per_contact", queue="sales", channel="voice")
    assert cost == pytest.approx(154 * 500 / 1600 / 2)
    # agents' time is known for all contacts only
    queues = card.table[card.table.queue != "all"]
    assert not queues.kpi.isin(["occupancy", "utilization"]).any()


def test_statuses_against_targets(card):
    def status(kpi):
        t = card.table
        rows = (t.kpi == kpi) & (t.period == "all") & (t.queue == "all") & (t.channel == "all")
        return t.loc[rows, "status"].item()

    assert status("csat") == "green"  # 0.5 against 0.5: met, the edge included
    assert status("fcr") == "yellow"  # 0.667 against 0.7, the band reaches 0.665
    assert status("nps") == "red"  # 20 against 25, the band reaches 23.75
    assert status("service_level") == "red"
    assert status("asa") == "red"  # 16 s against 15 s, the band reaches 15.75 s
    assert status("aht") == "none"  # no target: the benchmark is a reference only
    row = card.table[(card.table.kpi == "aht") & (card.table.period == "all")].iloc[0]
    assert (row.benchmark_low, row.benchmark_high) == (240.0, 360.0)
    assert math.isnan(row.target)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (19.0, "green"),
        (20.0, "green"),  # at the target
        (24.0, "yellow"),
        (25.0, "yellow"),  # 20 is the edge of a 20 % band below 25
        (25.01, "red"),
    ],
)
def test_rag_boundaries_at_and_around_the_tolerance(tmp_path, log_path, target, expected):
    card = scorecard(
        read_log(log_path),
        surveys=read_surveys(_write(tmp_path, "s.csv", SURVEYS)),
        settings=ScorecardTargets(targets={"nps": target}, tolerance=0.2),
    )
    row = card.table[(card.table.kpi == "nps") & (card.table.period == "all")].iloc[0]
    assert row.value == pytest.approx(20.0)
    assert row.status == expected


@pytest.mark.parametrize(("target", "expected"), [(16.0, "green"), (15.0, "yellow"), (12.8, "red")])
def test_rag_boundaries_of_a_cap(log_path, target, expected):
    service = ServiceTargets(service_level=None, asa=target)
    card = scorecard(read_log(log_path), service=service, tolerance=1 / 15)
    row = card.table[(card.table.kpi == "asa") & (card.table.period == "all")].iloc[0]
    assert row.value == 16.0
    assert row.status == expected  # the band over 15 s reaches exactly 16 s


def test_fcr_from_repeat_contacts(without_resolved):
    # window of one day: c1 (customer x) is followed by c5 22 h 55 min after it ended, so
    # not resolved; c2 and c6 are never followed; c5 is a repeat, not an issue; c7's window
    # closes after the last arrival and cannot be judged yet
    card = scorecard(without_resolved, settings=ScorecardTargets(repeat_window=86_400.0))
    assert card.fcr_method == "repeat"
    assert card.value("fcr") == pytest.approx(2 / 3)
    assert card.value("fcr", "2026-03-29") == pytest.approx(1 / 2)
    assert card.value("fcr", "2026-03-30") == pytest.approx(1.0)
    assert math.isnan(card.value("fcr", "2026-04-01"))
    assert math.isnan(card.value("fcr", queue="support", channel="voice"))
    assert "resolution_rate" not in set(card.table.kpi)
    # a window of 22 h: c1's follow-up comes too late to count, all three resolved
    short = scorecard(without_resolved, settings=ScorecardTargets(repeat_window=22 * 3600.0))
    assert short.value("fcr") == pytest.approx(1.0)


def test_fcr_needs_seven_days_of_log_by_default(without_resolved):
    card = scorecard(without_resolved)
    assert math.isnan(card.value("fcr"))
    assert (card.table.loc[card.table.kpi == "fcr", "status"] == "none").all()


def test_without_optional_inputs_only_what_the_data_allows(without_resolved):
    card = scorecard(without_resolved)
    kpis = set(card.table.kpi)
    assert {"csat", "nps", "ces", "qa_score", "occupancy", "cost_per_contact"}.isdisjoint(kpis)
    assert {"service_level", "asa", "abandon_rate", "aht", "fcr"} <= kpis


def test_trends_are_the_change_since_the_previous_period(card):
    weeks = card.rows("week").set_index("kpi")
    week14 = weeks[weeks.period == "2026-W14"]
    assert week14.loc["service_level", "change"] == pytest.approx(2 / 3 - 1 / 4)
    assert math.isnan(weeks[weeks.period == "2026-W13"].loc["service_level", "change"])


def test_notes_name_what_was_left_out(card):
    assert any("1 surveys" in note for note in card.notes)
    assert any("1 QA scores" in note for note in card.notes)


def test_agents_for_coaching(card):
    agents = card.agents.set_index("agent")
    # ann: c1 300, c5 400, c7 600; bob: c2 200, c6 100
    assert agents.loc["ann", "contacts"] == 3
    assert agents.loc["ann", "aht"] == pytest.approx(1300 / 3)
    assert agents.loc["bob", "aht"] == pytest.approx(150.0)
    # csat: ann c1 5, c5 4 -> 2/2; bob c2 3, c6 2 -> 0/2
    assert agents.loc["ann", "csat"] == 1.0
    assert agents.loc["bob", "csat"] == 0.0
    # qa: ann c1 90, c7 80; bob 70 by agent and date
    assert agents.loc["ann", "qa_score"] == pytest.approx(85.0)
    assert agents.loc["bob", "qa_score"] == pytest.approx(70.0)
    assert "CSAT on 2" in agents.loc["ann", "warning"]


def test_surveys_need_contact_ids_in_the_log(tmp_path):
    log = read_log(
        _write(tmp_path, "l.csv", "arrival,wait,outcome,handle\n2026-03-02 08:00,0,answered,60\n")
    )
    surveys = read_surveys(_write(tmp_path, "s.csv", SURVEYS))
    with pytest.raises(InputError, match="no contact column"):
        scorecard(log, surveys=surveys)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("contact,csat\nc1,6\n", "s.csv row 2: csat = '6'; csat must be a score from 1 to 5"),
        ("contact,nps\nc1,-1\n", "s.csv row 2: nps = '-1'; nps must be a score from 0 to 10"),
        ("contact,csat\nc1,4\nc1,5\n", "rows 2 and 3: contact 'c1' is surveyed twice"),
        ("contact,comment\nc1,ok\n", "no csat, nps or ces column"),
    ],
)
def test_bad_surveys_are_one_line_errors(tmp_path, text, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        read_surveys(_write(tmp_path, "s.csv", text))


def test_bad_agent_time_names_the_row(tmp_path):
    path = _write(tmp_path, "t.csv", "agent,date,logged_in,paid\nann,2026-03-29,4000,3600\n")
    with pytest.raises(InputError, match=r"t.csv row 2: logged_in = '4000'; logged_in must be"):
        read_agent_time(path)


def test_sector_presets_cite_their_source():
    assert set(SECTORS) == {
        "general",
        "healthcare",
        "financial_services",
        "ecommerce",
        "technology",
    }
    for sector in SECTORS:
        for bench in benchmarks(sector).values():
            assert bench.low <= bench.high
            assert "KPI_BENCHMARKS.md" in bench.source
    assert benchmarks("healthcare")["csat"].low == 0.88
    assert benchmarks("technology")["aht"].high == 900.0
    with pytest.raises(InputError, match="sector = 'retail'"):
        benchmarks("retail")


def test_scorecard_targets_are_checked():
    with pytest.raises(InputError, match="csat = 80"):
        ScorecardTargets(targets={"csat": 80})
    with pytest.raises(InputError, match="speed is not a scorecard KPI"):
        ScorecardTargets(targets={"speed": 1.0})


def test_aggregation_matches_a_direct_count_on_a_random_log():
    # 3,000 contacts over 40 days in 3 queues on 2 channels: every period's sums add up to
    # the whole, and each queue's whole-period KPIs equal a direct count
    rng = np.random.default_rng(3)
    n = 3000
    arrival = np.sort(
        np.datetime64("2026-02-20T08:00:00")
        + rng.integers(0, 40 * 86_400, n).astype("timedelta64[s]")
    )
    wait = np.where(rng.random(n) < 0.5, 0.0, rng.exponential(30.0, n))
    answered = rng.random(n) < 0.9
    handle = np.where(answered, rng.exponential(200.0, n) + 1, np.nan)
    queue = rng.choice(["a", "b", "c"], n)
    log = ContactLog(
        arrival,
        wait,
        answered,
        handle,
        {"queue": queue, "channel": np.where(queue == "c", "chat", "voice")},
    )
    card = scorecard(log)
    t = card.table
    for kind in ("day", "week", "month"):
        offered = t[(t.period_type == kind) & (t.kpi == "offered") & (t.queue == "all")]
        assert offered[offered.channel == "all"].value.sum() == n
    for name in ("a", "b", "c"):
        mine = queue == name
        channel = "chat" if name == "c" else "voice"
        within = (answered & (wait <= 20))[mine].sum()
        assert card.value("service_level", queue=name, channel=channel) == pytest.approx(
            within / mine.sum()
        )
        assert card.value("asa", queue=name, channel=channel) == pytest.approx(
            wait[mine & answered].mean()
        )
    voice = queue != "c"
    assert card.value("abandon_rate", channel="voice") == pytest.approx((~answered[voice]).mean())


def test_each_queue_is_judged_by_its_own_targets(log_path):
    # [[queues]] targets: sales 80/30 with abandonment <= 40 %, support 90/60; chat has none
    # and takes the scenario's [targets] (80/20). Answered within their queue's time:
    # sales c1 (10 s) and c2 (30 s <= 30 s) of 3 offered; support c5 (0 s) and c7 (40 s) of
    # 2; chat c6 (0 s) of 2. All contacts, each by its own queue's time: 5 of 7
    card = scorecard(
        read_log(log_path),
        service=ServiceTargets(service_level=0.8, threshold=20.0),
        queue_targets={
            "sales": ServiceTargets(service_level=0.8, threshold=30.0, abandon_rate=0.4),
            "support": ServiceTargets(service_level=0.9, threshold=60.0),
        },
    )

    def row(queue, channel, kpi="service_level"):
        table = card.table
        mine = table[
            (table.period == "all")
            & (table.queue == queue)
            & (table.channel == channel)
            & (table.kpi == kpi)
        ]
        return mine.iloc[0]

    sales, support, chat = row("sales", "voice"), row("support", "voice"), row("chat", "chat")
    assert (sales.value, sales.target, sales.status) == (pytest.approx(2 / 3), 0.8, "red")
    assert (support.value, support.target, support.status) == (1.0, 0.9, "green")
    assert (chat.value, chat.target, chat.status) == (0.5, 0.8, "red")
    assert row("all", "all").value == pytest.approx(5 / 7)
    assert row("all", "all").target == 0.8
    # a target only one queue has: abandonment, sales 1 of 3 against 40 %
    aband = row("sales", "voice", "abandon_rate")
    assert (aband.value, aband.target, aband.status) == (pytest.approx(1 / 3), 0.4, "green")
    assert math.isnan(row("support", "voice", "abandon_rate").target)
