"""The review as a self-contained HTML page (charts by Vega-Lite) and as a one-screen text.

The page carries everything it needs: the figures, the charts' Vega-Lite specifications and the
Vega, Vega-Lite and vega-embed bundles (web/package-lock.json, inlined), so it opens from an
e-mail link, an S3 presigned URL or a file with no network. Headings are in Chinese and English;
the layout is one column on a phone.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from functions.reporter.review import Review

ASSETS = Path(__file__).parent / "assets"
SCRIPTS = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js")
STAGE_NAMES = {
    "first_response": "首次响应 first response",
    "plan_proposed": "提出方案 plan proposed",
    "solved": "解决 solved",
    "confirmed": "确认 confirmed",
}


_CSS = """
body { font-family: system-ui, "Noto Sans CJK SC", "PingFang SC", sans-serif; margin: 0; padding: 16px;
       color: #1f2933; background: #f7f9fb; }
h1 { font-size: 1.4rem; margin: 0 0 12px; } h2 { font-size: 1.05rem; margin: 0 0 8px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; }
.card { background: #fff; border-radius: 8px; padding: 10px; box-shadow: 0 1px 2px #0001; }
.card .label { font-size: .8rem; color: #52606d; }
.card .value { font-size: 1.4rem; font-weight: 600; }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr));
       gap: 12px; margin-top: 12px; }
section { background: #fff; border-radius: 8px; padding: 12px; box-shadow: 0 1px 2px #0001; }
.chart { width: 100%; } li.red { color: #c62828; } li.yellow { color: #b26a00; }
table { width: 100%; border-collapse: collapse; }
td, th { text-align: left; padding: 4px; border-bottom: 1px solid #e4e7eb; }
@media (max-width: 600px) { main { grid-template-columns: 1fr; } body { padding: 8px; } }
"""


class MissingAssets(RuntimeError):
    """The chart bundles are not installed (`make install` copies them from web/node_modules)."""


def _scripts() -> str:
    parts = []
    for name in SCRIPTS:
        path = ASSETS / name
        if not path.is_file():
            raise MissingAssets(f"{path}: chart bundle missing; run `make install` (npm ci in web/)")
        code = path.read_text(encoding="utf-8").replace("</script", "<\\/script")  # cannot end the element
        parts.append(f"<script>{code}</script>")
    return "\n".join(parts)


def _kind(review: Review, kind: str) -> str:
    """A deadline kind's name in both languages, with its window (sla.yaml)."""
    window = review.windows.get(kind)
    return review.kind_names.get(kind, kind) + (f" ({window})" if window else "")


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _hours(value: float) -> str:
    return f"{value:.1f} h"


def chart_specs(review: Review) -> dict[str, dict[str, Any]]:
    """The Vega-Lite specifications of the page's charts, by element id."""
    width = "container"
    types = [{"type": f"{t.category} / {t.subtype}", "complaints": t.complaints} for t in review.top_types]
    if review.other_types:
        types.append({"type": "其他 other", "complaints": review.other_types})
    stages = [
        {"stage": STAGE_NAMES.get(s.stage, s.stage), "figure": figure, "hours": round(hours, 2), "order": i}
        for i, s in enumerate(review.stages)
        for figure, hours in (("average", s.average_hours), (review.percentile_label, s.p90_hours))
    ]
    satisfaction = [{"week": w.week, "score": w.score} for w in review.satisfaction if w.score is not None]
    kinds = sorted({d.kind for d in review.deadlines})
    deadlines = [
        {"kind": _kind(review, kind), "attainment": review.attainment(kind)}
        for kind in kinds
        if review.attainment(kind) is not None
    ]
    grading = [
        {"level": f"L{q.level}", "figure": figure, "value": value}
        for q in review.grading
        for figure, value in (("precision", q.precision), ("recall", q.recall))
        if value is not None
    ]
    levels = [{"level": f"L{level}", "complaints": n} for level, n in sorted(review.levels.items())]

    def bar(
        values: list[dict[str, Any]], x: dict[str, Any], y: dict[str, Any], **extra: Any
    ) -> dict[str, Any]:
        return {
            "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
            "width": width,
            "data": {"values": values},
            "mark": {"type": "bar", "tooltip": True},
            "encoding": {"x": x, "y": y, **extra},
        }

    return {
        "chart-types": bar(
            types,
            {"field": "complaints", "type": "quantitative", "title": "投诉 complaints"},
            {"field": "type", "type": "nominal", "sort": None, "title": None},
        ),
        "chart-levels": bar(
            levels,
            {"field": "level", "type": "nominal", "title": None},
            {"field": "complaints", "type": "quantitative", "title": "投诉 complaints"},
            color={"field": "level", "type": "nominal", "legend": None},
        ),
        "chart-stages": bar(
            stages,
            {"field": "hours", "type": "quantitative", "title": "小时 hours"},
            {"field": "stage", "type": "nominal", "sort": {"field": "order"}, "title": None},
            color={"field": "figure", "type": "nominal", "title": None},
            yOffset={"field": "figure"},
        ),
        "chart-satisfaction": {
            "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
            "width": width,
            "data": {"values": satisfaction},
            "mark": {"type": "line", "point": True, "tooltip": True},
            "encoding": {
                "x": {"field": "week", "type": "temporal", "title": "周 week"},
                "y": {
                    "field": "score",
                    "type": "quantitative",
                    "title": "满意 satisfied",
                    "axis": {"format": "%"},
                    "scale": {"domain": [0, 1]},
                },
            },
        },
        "chart-deadlines": bar(
            deadlines,
            {
                "field": "attainment",
                "type": "quantitative",
                "title": "按时 in time",
                "axis": {"format": "%"},
                "scale": {"domain": [0, 1]},
            },
            {"field": "kind", "type": "nominal", "title": None},
        ),
        "chart-grading": bar(
            grading,
            {
                "field": "value",
                "type": "quantitative",
                "title": None,
                "axis": {"format": "%"},
                "scale": {"domain": [0, 1]},
            },
            {"field": "level", "type": "nominal", "title": None},
            color={"field": "figure", "type": "nominal", "title": None},
            yOffset={"field": "figure"},
        ),
    }


def summary_lines(review: Review) -> list[str]:
    """The figures a team lead reads first, one per line (the page's cards, the SNS message, the demo)."""
    period = review.period
    kind = "月度回顾 Monthly review" if period.kind == "monthly" else "周度回顾 Weekly review"
    top = "; ".join(f"{t.category}/{t.subtype} {t.complaints}" for t in review.top_types) or "—"
    lines = [
        f"{kind} {period.label}: {review.complaints} complaints (L1 {review.levels.get(1, 0)}, "
        f"L2 {review.levels.get(2, 0)}, L3 {review.levels.get(3, 0)})",
        f"Top types: {top}" + (f"; other {review.other_types}" if review.other_types else ""),
        f"Satisfaction: {_percent(review.satisfaction_score)} satisfied; deadlines in time: "
        f"{_percent(review.overall_attainment())}; cross-department answered within "
        f"{review.windows.get('cross_dept', '')}: {_percent(review.attainment('cross_dept'))}; social posts "
        f"contacted within {review.windows.get('private_contact', '')}: "
        f"{_percent(review.attainment('private_contact'))}",
        f"Group complaints: {review.group_tickets} tickets in {review.groups} groups; plans rejected: "
        f"{review.plans_rejected}; grades corrected by agents: {review.corrected}",
    ]
    stage = "; ".join(
        f"{s.stage} avg {_hours(s.average_hours)} / {review.percentile_label} {_hours(s.p90_hours)}"
        for s in review.stages
    )
    lines.append(f"Time from acceptance: {stage or '—'}")
    if review.lights:
        lines.append(
            "Lights: "
            + "; ".join(f"{x.category} {x.light} ({x.last_week}→{x.this_week})" for x in review.lights)
        )
    if review.typical:
        lines.append("Typical complaints: " + ", ".join(f"#{t.ticket_id} ({t.why})" for t in review.typical))
    return lines


def render_page(review: Review, ticket_url: Callable[[int], str]) -> str:
    """The whole report page as one HTML document."""
    period = review.period
    title = (
        "月度投诉回顾 Monthly complaint review" if period.kind == "monthly" else "周度典型投诉 Weekly review"
    )
    cards = [
        ("投诉 Complaints", str(review.complaints)),
        ("一级 Level 1", str(review.levels.get(1, 0))),
        ("满意度 Satisfied", _percent(review.satisfaction_score)),
        ("按时 Deadlines in time", _percent(review.overall_attainment())),
        (_kind(review, "cross_dept"), _percent(review.attainment("cross_dept"))),
        (_kind(review, "private_contact"), _percent(review.attainment("private_contact"))),
        ("群体投诉 Group complaints", f"{review.group_tickets} / {review.groups}"),
        ("客服修正 Corrected grades", str(review.corrected)),
    ]
    card_html = "".join(
        f'<div class="card"><div class="label">{html.escape(k)}</div>'
        f'<div class="value">{html.escape(v)}</div></div>'
        for k, v in cards
    )
    lights = (
        "".join(
            f'<li class="{x.light}">{html.escape(x.category)}: {x.last_week} → {x.this_week} ({x.light})</li>'
            for x in review.lights
        )
        or "<li>—</li>"
    )
    typical_rows = "".join(
        f'<tr><td><a href="{html.escape(ticket_url(t.ticket_id))}">#{t.ticket_id}</a></td><td>L{t.level}</td>'
        f"<td>{html.escape(t.category)} / {html.escape(t.subtype)}</td><td>{html.escape(t.why)}</td></tr>"
        for t in review.typical
    )
    typical = (
        "<section><h2>典型投诉 Typical complaints (R-REVIEW-3)</h2><table><thead><tr>"
        "<th>Ticket</th><th>Level</th><th>Type</th><th>Why chosen</th></tr></thead>"
        f"<tbody>{typical_rows}</tbody></table></section>"
        if review.typical
        else ""
    )
    sections = [
        ("chart-types", "投诉类型 Top complaint types (R-REVIEW-1)"),
        ("chart-levels", "级别分布 Level mix"),
        ("chart-stages", "各阶段用时 Time from acceptance per stage"),
        ("chart-satisfaction", "满意度趋势 Satisfaction trend"),
        ("chart-deadlines", "时限达成 Deadlines met in time"),
        ("chart-grading", "分级质量(按客服修正) Grading as agents corrected it"),
    ]
    chart_html = "".join(
        f'<section><h2>{html.escape(heading)}</h2><div class="chart" id="{chart_id}"></div></section>'
        for chart_id, heading in sections
    )
    specs = json.dumps(chart_specs(review), ensure_ascii=False).replace("</", "<\\/")
    summary = "".join(f"<li>{html.escape(line)}</li>" for line in summary_lines(review))
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} {html.escape(period.label)}</title>
<style>{_CSS}</style></head>
<body>
<h1>{html.escape(title)} · {html.escape(period.label)}</h1>
<div class="cards">{card_html}</div>
<main>
<section><h2>摘要 Summary</h2><ul>{summary}</ul><h2>红黄灯 Lights (R-REVIEW-2)</h2><ul>{lights}</ul></section>
{typical}
{chart_html}
</main>
{_scripts()}
<script>
const specs = {specs};
window.chartsRendered = Promise.all(Object.entries(specs).map(([id, spec]) =>
  vegaEmbed("#" + id, spec, {{actions: false, renderer: "svg"}})));
</script>
</body></html>
"""
