"""The ratio table of `make bench`: the project's figures over references measured in
the same run (no live stack: reports and locust rows are made up here)."""
from __future__ import annotations

from bot.bench import bench
from bot.bench.load.run import summary


def measured_report() -> dict:
    return {
        "date": "2026-12-03 20:00", "cpus": 2, "knowledge_build_s": 0.2,
        "one_user": {"users": 1, "p50_ms": 30.0, "p95_ms": 36.0, "messages_per_s": 30.0},
        "concurrent": {"users": 20, "p50_ms": 200.0, "p95_ms": 300.0, "messages_per_s": 70.0},
        "nlu_one_user": {"users": 1, "p50_ms": 20.0, "p95_ms": 24.0, "messages_per_s": 45.0},
        "nlu_concurrent": {"users": 20, "p50_ms": 150.0, "p95_ms": 200.0, "messages_per_s": 100.0},
        "stock_one_user": {"users": 1, "p50_ms": 130.0, "p95_ms": 180.0, "messages_per_s": 7.0},
        "stock_concurrent": {"users": 20, "p50_ms": 2000.0, "p95_ms": 2600.0, "messages_per_s": 10.0},
        "long": {"users": 4, "seconds": 60, "by_turn": {"3": {"requests": 40, "p50_ms": 40.0, "p95_ms": 50.0},
                                                        "40": {"requests": 38, "p50_ms": 90.0, "p95_ms": 100.0}}},
    }


def test_ratios_and_whether_each_target_is_met():
    computed = bench.ratios(measured_report())
    expected = {
        "throughput_vs_nlu": (0.7, True),        # 70 / 100: exactly the target
        "p95_1_user_vs_nlu": (1.5, True),        # 36 / 24
        "throughput_vs_stock": (7.0, True),      # 70 / 10
        "long_turn40_vs_turn3": (2.0, False),    # 100 / 50
    }
    assert expected == {key: (computed[key]["value"], computed[key]["met"]) for key in expected}
    assert 5.0 == computed["p95_1_user_stock_vs_project"]["value"]    # 180 / 36
    assert 1.5 == computed["p95_n_users_vs_nlu"]["value"]


def test_a_side_not_measured_is_not_claimed():
    report = measured_report()
    del report["stock_concurrent"]
    report["long"]["by_turn"].pop("40")
    computed = bench.ratios(report)
    assert (None, None) == (computed["throughput_vs_stock"]["value"], computed["throughput_vs_stock"]["met"])
    assert (None, None) == (computed["long_turn40_vs_turn3"]["value"], computed["long_turn40_vs_turn3"]["met"])
    table = "\n".join(bench.ratio_lines(report))
    assert "messages/s at 20 users: project / stock Rasa | 70.0 / None | None | ≥ 6 | not measured |" in table
    assert "**not met**" not in table


def test_targets_missed_are_marked_in_the_report():
    report = measured_report()
    report["concurrent"]["messages_per_s"] = 40.0
    markdown = bench.markdown(report)
    assert ("| messages/s at 20 users / NLU-only parses/s at 20 users | 40.0 / 100.0 | 0.4 | ≥ 0.70 | **not met** |"
            in markdown)
    assert "| messages/s at 20 users: project / stock Rasa | 40.0 / 10.0 | 4.0 | ≥ 6 | **not met** |" in markdown
    assert "Stock means stock Rasa 3.6.21" in markdown


def test_durations_come_from_the_environment():
    assert 30 == bench.durations({})["one_user"]
    assert {"one_user": 5, "load": 120, "endless": 30, "nlu": 60, "stock": 60, "long": 9, "long_users": 2} == \
        bench.durations({"BENCH_ONE_USER_SECONDS": "5", "BENCH_LONG_SECONDS": "9", "BENCH_LONG_USERS": "2"})


def test_locust_rows_give_the_run_and_the_named_turns():
    row = lambda name, count, p50, p95, rate: {"Name": name, "Request Count": str(count), "Failure Count": "0",
                                               "50%": str(p50), "95%": str(p95), "Requests/s": str(rate)}
    rows = [row("rest", 900, 40, 80, 15.0), row("turn 3", 25, 30, 45, 0.4), row("turn 40", 24, 60, 90, 0.4),
            row("Aggregated", 949, 40, 80, 15.83)]
    expected = {"users": 2, "seconds": 60, "turns": "40", "mode": "rest", "requests": 949, "failures": 0,
                "p50_ms": 40.0, "p95_ms": 80.0, "messages_per_s": 15.8,
                "by_turn": {"3": {"requests": 25, "p50_ms": 30.0, "p95_ms": 45.0},
                            "40": {"requests": 24, "p50_ms": 60.0, "p95_ms": 90.0}}}
    assert expected == summary(rows, users=2, seconds=60, turns="40", mode="rest")


def test_errors_of_every_load_run_are_counted():
    report = measured_report()
    report["stock_concurrent"]["failures"] = 2
    report["nlu_one_user"]["failures"] = 1
    assert "| errors (failed requests, every load run) | 3 | 0 |" in bench.markdown(report)
