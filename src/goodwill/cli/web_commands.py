"""Placeholder: commands being written (replace this module entirely)."""

from __future__ import annotations
