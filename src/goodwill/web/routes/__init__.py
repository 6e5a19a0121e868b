"""One router per resource: sign-in, the dashboard and its agenda, people, the JSON API."""

from __future__ import annotations
