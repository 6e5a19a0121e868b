"""``bench/privacy.py``: a short run measures every figure it prints."""

from __future__ import annotations

import pytest

import privacy as bench
from goodwill.ledger.encryption import KEY_ENV, new_key


def test_a_short_run_measures_every_figure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, new_key())
    figures = bench.measure(3000, 1)
    assert figures.forgotten_events > 0
    assert figures.backup_bytes > 0 and figures.store_bytes > 0
    for seconds in (figures.plain, figures.encrypted, figures.filtered, figures.forget):
        assert seconds > 0
