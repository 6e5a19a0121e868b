"""``python -m goodwill.trust.engines.spark EXPORT ...``, and what ``spark-submit`` runs:
``spark-submit [spark options] path/to/goodwill/trust/engines/spark/__main__.py EXPORT ...``
(``docs/spark.md``)."""

from __future__ import annotations

from goodwill.trust.engines.spark.entry import main

if __name__ == "__main__":
    raise SystemExit(main())
