"""The fault benchmark on a small scale (bench/fault_flow.py): tickets enriched exactly once while the
sandbox answers 5xx, throttles and answers too late, deliveries come twice, and triage workers are
killed mid-batch."""

from __future__ import annotations

from bench.fault_flow import DEFAULT_FAULTS, report_lines, run


def test_nothing_is_lost_or_written_twice_through_faults_and_kills() -> None:
    # GIVEN 12 tickets with a requester message each, the sandbox misbehaving as the benchmark's
    # default plan says, and two triage workers of which two are killed with SIGKILL along the way
    result = run(
        tickets=12,
        comments=1,
        kills=2,
        workers=2,
        timeout=240,
        seed=7,
        faults=DEFAULT_FAULTS,
        kill_every=(1.0, 3.0),
    )
    # THEN faults were really served and workers really killed
    assert result.kills == 2
    assert sum(n for kind, n in result.faults.items() if kind.startswith("5")) > 0
    # AND every ticket was enriched, no event was written twice, nothing is left on the queues
    assert result.lost == [] and result.written_twice == []
    assert result.left_after == (0, 0)
    assert result.ok
    # AND the report says so in figures
    report = "\n".join(report_lines(result))
    assert "lost (no write)     0" in report and "written twice       0" in report
