"""Calendars (contract v1.1 "Calendars", issue 20): day numbers as dates, in every output, verified.

The hand-computed dates below use the Japanese public holidays of 2027:
New Year's Day (Fri 1 January), Coming of Age Day (Mon 11 January), Showa Day
(Thu 29 April), Constitution Memorial Day, Greenery Day and Children's Day
(Mon 3 to Wed 5 May).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modcluster import build_request, load_catalog, solve
from modcluster.domain import Calendar, Request, Solution, WorkingCalendar, calendar_of, validate_data
from modcluster.errors import RequestError, ValidationError
from modcluster.io import load_request_document, plan_request_from_data
from modcluster.report.figures.calendar_axis import closed_marks, date_ticks
from modcluster.report.text import render_solution
from modcluster.verify import verify_solution

ROOT = Path(__file__).resolve().parent.parent
TAMA = ROOT / "catalogs" / "tama.yaml"
#: The company's year-end closing, 29 December to 3 January, as in the issue.
YEAR_END = tuple(date(2026, 12, 29) + timedelta(days=i) for i in range(6))
JP_YEAR_END = Calendar(country="JP", closed=YEAR_END)


def test_dates_across_the_new_year_week() -> None:
    cal = WorkingCalendar(date(2026, 12, 24), JP_YEAR_END)
    got = [str(cal.date_of(d)) for d in range(12)]
    assert got == [
        "2026-12-24", "2026-12-25",  # Thu, Fri
        "2026-12-28",  # Mon; 29.12 to 3.1 closed (1.1 also a holiday)
        "2027-01-04", "2027-01-05", "2027-01-06", "2027-01-07", "2027-01-08",
        "2027-01-12",  # Mon 11.1 is Coming of Age Day
        "2027-01-13", "2027-01-14", "2027-01-15",
    ]  # fmt: skip
    assert cal.day_of(date(2027, 1, 11)) == 8 and cal.day_of(date(2026, 12, 30)) == 3


def test_dates_across_golden_week() -> None:
    cal = WorkingCalendar(date(2027, 4, 26), Calendar(country="JP"))
    got = [str(cal.date_of(d)) for d in range(8)]
    assert got == [
        "2027-04-26", "2027-04-27", "2027-04-28",  # Mon-Wed; Thu 29.4 Showa Day
        "2027-04-30",  # Fri; Mon 3.5 to Wed 5.5 holidays
        "2027-05-06", "2027-05-07", "2027-05-10", "2027-05-11",
    ]  # fmt: skip


def test_no_country_means_no_public_holidays() -> None:
    cal = WorkingCalendar(date(2026, 12, 31), Calendar())
    assert [str(cal.date_of(d)) for d in range(2)] == ["2026-12-31", "2027-01-01"]


def test_other_weekdays_and_closed_days() -> None:
    # A shop that works Tuesday to Saturday, closed on one Saturday.
    cal = WorkingCalendar(
        date(2027, 3, 1), Calendar(weekdays=("tue", "wed", "thu", "fri", "sat"), closed=(date(2027, 3, 6),))
    )
    assert [str(cal.date_of(d)) for d in range(6)] == [
        "2027-03-02", "2027-03-03", "2027-03-04", "2027-03-05", "2027-03-09", "2027-03-10",
    ]  # fmt: skip


def test_start_date_on_a_holiday_is_the_next_working_day() -> None:
    cal = WorkingCalendar(date(2027, 1, 1), Calendar(country="JP"))
    assert cal.date_of(0) == date(2027, 1, 4)
    assert cal.day_of(date(2027, 1, 1)) == 0


def test_start_date_without_calendar_counts_every_day() -> None:
    cal = WorkingCalendar(date(2026, 12, 31))
    assert [str(cal.date_of(d)) for d in range(3)] == ["2026-12-31", "2027-01-01", "2027-01-02"]
    assert calendar_of({"start_date": "2026-12-31"}) is not None
    assert calendar_of({"start_date": None, "calendar": None}) is None


def test_zero_day_task_ends_on_its_start_date() -> None:
    cal = WorkingCalendar(date(2026, 12, 24), JP_YEAR_END)
    assert cal.end_date(3, 3) == cal.date_of(3) == date(2027, 1, 4)
    assert cal.end_date(2, 4) == date(2027, 1, 4)  # days 2 and 3: last day is day 3


def test_ticks_and_closed_marks() -> None:
    cal = WorkingCalendar(date(2026, 12, 24), JP_YEAR_END)
    assert [d for d, _ in date_ticks(cal, 10)] == [0, 2, 3, 8]  # week starts: 28.12, 4.1, 12.1 (11.1 a holiday)
    assert closed_marks(cal, 10) == [(3, 4), (8, 1)]  # 29-31.12 and 1.1 (weekend not counted); 11.1


@settings(max_examples=40, deadline=None)
@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    weekdays=st.sets(st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]), min_size=1),
    country=st.sampled_from([None, "JP", "DE"]),
    closed=st.lists(st.dates(min_value=date(2024, 1, 1), max_value=date(2031, 12, 31)), max_size=8, unique=True),
)
def test_date_of_is_increasing_on_working_days(
    start: date, weekdays: set[str], country: str | None, closed: list[date]
) -> None:
    order = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    calendar = Calendar(country=country, weekdays=tuple(w for w in order if w in weekdays), closed=tuple(closed))
    cal = WorkingCalendar(start, calendar)
    dates = [cal.date_of(d) for d in range(60)]
    assert dates[0] >= start
    assert all(a < b for a, b in pairwise(dates))
    assert all(cal.is_working(d) for d in dates)
    assert all(not cal.is_working(start + timedelta(days=i)) for i in range((dates[0] - start).days))
    # No working day is skipped between two consecutive days.
    for a, b in pairwise(dates):
        assert not any(cal.is_working(a + timedelta(days=i)) for i in range(1, (b - a).days))
    assert all(cal.day_of(d) == i for i, d in enumerate(dates))


# --------------------------------------------------------------------------- input


@pytest.mark.parametrize(
    ("fields", "place", "needle"),
    [
        ({"start_date": "2026-12-24", "calendar": {"country": "XX"}}, "calendar.country", "unknown country 'XX'"),
        ({"start_date": "2026-13-01"}, "start_date", "is not a date"),
        ({"start_date": "24.12.2026"}, "start_date", "YYYY-MM-DD"),
        ({"start_date": 20261224}, "start_date", "YYYY-MM-DD"),
        ({"start_date": "2026-12-24", "calendar": {"weekdays": ["mo"]}}, "calendar.weekdays[0]", "'mon'"),
        ({"start_date": "2026-12-24", "calendar": {"weekdays": []}}, "calendar.weekdays", "must not be empty"),
        ({"start_date": "2026-12-24", "calendar": {"closed": ["soon"]}}, "calendar.closed[0]", "YYYY-MM-DD"),
        ({"calendar": {"country": "JP"}}, "calendar", "needs a start_date"),
    ],
)
def test_bad_calendar_input_is_located(fields: dict[str, Any], place: str, needle: str) -> None:
    with pytest.raises(RequestError) as info:
        validate_data(Request, {"product": "x", **fields}, RequestError)
    assert any(issue.path == place and needle in issue.message for issue in info.value.issues), info.value.issues


def test_bad_country_in_a_request_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "req.yaml"
    path.write_text(
        "request:\n  product: laser-displacement-sensor\n  start_date: 2026-12-24\n  calendar: {country: XX}\n"
    )
    catalog = load_catalog(TAMA)
    with pytest.raises(ValidationError) as info:
        build_request(catalog, None, load_request_document(path), file=str(path))
    text = str(info.value)
    assert "calendar.country" in text and "unknown country 'XX'" in text and ":4" in text


def test_plan_request_takes_a_calendar() -> None:
    data = {"start_date": "2027-04-26", "calendar": {"country": "jp"}, "entries": [{"product": "piezo-nano-stage"}]}
    plan = plan_request_from_data(data)
    assert plan.start_date == date(2027, 4, 26) and plan.calendar is not None and plan.calendar.country == "JP"
    with pytest.raises(ValidationError, match="needs a start_date"):
        plan_request_from_data({"calendar": {}, "entries": [{"product": "piezo-nano-stage"}]})


# --------------------------------------------------------------------------- outputs and the verifier


@pytest.fixture(scope="module")
def dated() -> tuple[Any, Request, Solution]:
    catalog = load_catalog(TAMA)
    overrides = {
        "start_date": "2026-12-24",
        "calendar": {"country": "JP", "closed": [str(d) for d in YEAR_END]},
        "candidates": 2,
    }
    request = build_request(catalog, "laser-displacement-sensor", overrides=overrides)
    return catalog, request, solve(catalog, request)


def _tasks(candidate: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [candidate["integration"]]
    for m in candidate["modules"]:
        if m["source"] == "buy":
            out.append(m)
        else:
            out += m["steps"] + ([m["seed"]] if m["seed"] else [])
    return out


def test_solution_json_has_verified_dates(dated: tuple[Any, Request, Solution]) -> None:
    catalog, request, solution = dated
    data = json.loads(solution.to_json())
    assert data["request"]["start_date"] == "2026-12-24" and data["request"]["calendar"]["country"] == "JP"
    cal = WorkingCalendar(date(2026, 12, 24), JP_YEAR_END)
    for cand in data["candidates"]:
        assert cand["end_date"] == str(cal.end_date(0, cand["lead_time"]))
        for task in _tasks(cand):
            assert task["start_date"] == str(cal.date_of(task["start"]))
            assert task["end_date"] == str(cal.end_date(task["start"], task["end"]))
    assert verify_solution(catalog, request, data) == []


def test_verifier_catches_a_tampered_date(dated: tuple[Any, Request, Solution]) -> None:
    catalog, request, solution = dated
    data = json.loads(solution.to_json())
    task = data["candidates"][0]["integration"]
    task["end_date"] = "2099-01-01"
    del data["candidates"][1]["modules"][0]["steps"][0]["start_date"]
    data["candidates"][1]["end_date"] = "2027-01-01"
    problems = verify_solution(catalog, request, data)
    assert any("candidate 1, integration: end_date is '2099-01-01'" in p for p in problems), problems
    assert any("candidate 2" in p and "'start_date' is missing" in p for p in problems), problems
    assert any("candidate 2: end_date is '2027-01-01'" in p for p in problems), problems


def test_dates_without_a_start_date_are_a_problem(dated: tuple[Any, Request, Solution]) -> None:
    catalog, request, solution = dated
    data = json.loads(solution.to_json())
    plain = request.with_changes(start_date=None, calendar=None)
    del data["request"]["start_date"], data["request"]["calendar"]
    assert any("the request has no start_date" in p for p in verify_solution(catalog, plain, data))


def test_no_start_date_keeps_the_json_as_it_was() -> None:
    catalog = load_catalog(ROOT / "catalogs" / "examples" / "mini.yaml")
    request = build_request(catalog, None)
    data = solve(catalog, request).to_dict()
    assert "start_date" not in data["request"] and "calendar" not in data["request"]
    assert all("end_date" not in c for c in data["candidates"])


def test_text_shows_dates(dated: tuple[Any, Request, Solution]) -> None:
    catalog, _, solution = dated
    text = render_solution(solution, catalog)
    assert "day 0 is 2026-12-24" in text
    assert "from        to" in text
    assert "2026-12-24..2027-01-15" in text  # housing step 1, days 0-12 across the year-end week


def test_gantt_has_a_date_axis(dated: tuple[Any, Request, Solution]) -> None:
    pytest.importorskip("matplotlib")
    from modcluster.report.figures.gantt_chart import gantt

    _, request, solution = dated
    assert solution.best is not None
    fig = gantt(solution.best, deadline=request.limits.deadline, calendar=calendar_of(solution.request))
    ax = fig.axes[0]
    shaded = [p.get_gid() for p in ax.patches if str(p.get_gid()).startswith("closed:")]
    assert "closed:3" in shaded and "closed:8" in shaded
    tops = [child for child in ax.child_axes]
    assert tops and any(label.get_text() == "2027-01" for label in tops[0].get_xticklabels())


def test_cli_solve_and_verify_with_a_calendar(tmp_path: Path) -> None:
    request = tmp_path / "req.yaml"
    request.write_text(
        "product: piezo-nano-stage\ncandidates: 1\nstart_date: 2027-04-26\ncalendar: {country: JP}\n", encoding="utf-8"
    )
    out = tmp_path / "sol.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "modcluster", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
        )

    solved = run("solve", str(TAMA), "--request", str(request), "--json", "--out", str(out))
    assert solved.returncode == 0, solved.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    first = data["candidates"][0]
    assert first["integration"]["end_date"] == first["end_date"]
    first["integration"]["start_date"] = "2027-04-29"  # Showa Day: never a working day
    out.write_text(json.dumps(data), encoding="utf-8")
    checked = run("verify", str(TAMA), str(out))
    assert checked.returncode != 0 and "start_date is '2027-04-29'" in checked.stdout + checked.stderr


def test_the_calendar_flags_are_the_request_fields(tmp_path: Path) -> None:
    """``--start-date`` and ``--calendar JP`` give the JSON a request file with the same fields gives."""
    from modcluster.cli import main

    request = tmp_path / "dated.yaml"
    request.write_text("product: piezo-nano-stage\nstart_date: 2026-12-24\ncalendar: {country: JP}\n")
    by_file, by_flags = tmp_path / "file.json", tmp_path / "flags.json"
    common = ["solve", str(TAMA), "--candidates", "1", "--quiet", "--json"]
    assert main([*common, "--request", str(request), "--out", str(by_file)]) == 0
    flags = ["--product", "piezo-nano-stage", "--start-date", "2026-12-24", "--calendar", "JP"]
    assert main([*common, *flags, "--out", str(by_flags)]) == 0
    file_data, flag_data = json.loads(by_file.read_text()), json.loads(by_flags.read_text())
    assert file_data == flag_data
    assert flag_data["candidates"][0]["end_date"] == "2027-03-26"


@pytest.mark.parametrize(
    ("flags", "needle"),
    [
        (["--calendar", "JP"], "calendar: a calendar needs a start_date"),
        (["--start-date", "2026-13-01"], "start_date: '2026-13-01' is not a date"),
        (["--start-date", "2026-12-24", "--calendar", "XX"], "calendar.country: unknown country 'XX'"),
    ],
)
def test_bad_calendar_flags_are_refused_with_their_place(
    flags: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from modcluster.cli import main

    assert main(["solve", str(TAMA), "--product", "piezo-nano-stage", "--quiet", *flags]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err
