"""The web app's pictures, drawn on the server as inline SVG: pure functions from the page
models to markup, one module per kind of chart and :mod:`~goodwill.web.charts.frame` for
what they share (escaping, scales, axes, the accessible frame)."""

from __future__ import annotations

from goodwill.web.charts.listening import listening_chart
from goodwill.web.charts.paths import paths_chart
from goodwill.web.charts.trust import trust_history_chart

__all__ = ["listening_chart", "paths_chart", "trust_history_chart"]
