"""Scorers for ``bench/insights_quality.py``: one module per family of insights.

Each module has ``measure(ledger, installed) -> {detector: {metric: value}}``, scoring what
goodwill finds in a demo world against that world's truth.
"""
