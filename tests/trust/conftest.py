"""Markers of the trust tests: ``spark`` selects (or, with ``-m "not spark"``, leaves out)
the tests that start Apache Spark, which need Java and take minutes, not seconds."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "spark: starts Apache Spark in local mode (needs Java)")
