"""Relationships: placeholder router, filled in by the page's own slice."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["pages"], include_in_schema=False)
