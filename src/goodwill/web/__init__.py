"""goodwill in the browser: server-rendered pages and a JSON API over one store.

:func:`create_app` builds the FastAPI app; ``goodwill serve`` runs it. See docs/web.md.
"""

from __future__ import annotations

from goodwill.web.app import create_app

__all__ = ["create_app"]
