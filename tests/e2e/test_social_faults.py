"""The social fault benchmark on a small scale (bench/social_faults.py): every complaining poster
gets at most one message and every post its one ticket, while the platforms refuse, throttle and
lose answers after sending, and outreach workers are killed with SIGKILL."""

from __future__ import annotations

from bench.social_faults import DEFAULT_FAULTS, report_lines, run


def test_no_poster_is_messaged_twice_and_no_post_is_lost_through_faults_and_kills() -> None:
    # GIVEN 16 posts, the platforms misbehaving as the benchmark's default plan says (a lost answer
    # after sending among them), and two outreach workers of which two are killed along the way
    faults = {**DEFAULT_FAULTS, "lost_answer_rate": 0.25}
    result = run(posts=16, kills=2, workers=2, timeout=600, seed=11, faults=faults, kill_every=(1.0, 4.0))
    # THEN faults were really served and workers really killed
    assert result.kills == 2
    assert result.faults.get("lost_answer", 0) > 0
    # AND no poster got two messages, no post two tickets, nothing praise got a message, no
    # complaint is without its ticket, and nothing is left on the posts queue or its DLQ
    assert result.messaged_twice == [] and result.ticketed_twice == [] and result.others_messaged == []
    assert result.lost == [] and result.left_after == (0, 0)
    # AND every complaint was contacted or handed to people with the reason
    complaints = set(result.keys("complaint"))
    assert complaints == set(result.contacted) | set(result.handed_to_people)
    report = "\n".join(report_lines(result))
    assert "messaged twice       0" in report and "lost (no ticket)     0" in report
