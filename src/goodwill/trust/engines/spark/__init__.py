"""The PySpark engine: goodwill's evidence and network trust as DataFrame jobs, for
ledgers past what one machine holds.

It reads the Parquet folder ``goodwill export parquet`` writes, computes what the numpy
path computes (:func:`~goodwill.trust.model.assess`'s evidence,
:func:`~goodwill.trust.network_graph.trust_graph`, then
:class:`~goodwill.trust.network.NetworkTrust`'s steps) with the same policy numbers, and
writes the scores as Parquet for ``goodwill spark load`` (or ``--into``) to put in the
ledger's stored network scores. Results equal the numpy engine's to rounding
(``tests/trust/test_spark_engine.py``). ``docs/spark.md`` shows how to run it on a cluster.

==============  ================================================================
module          its one job
==============  ================================================================
``session``     start Spark for goodwill; cut an iterative job's lineage
``inputs``      read an export: the manifest and the interactions as of a moment
``evidence``    evidence rows (decay, negative factor, saturation, exchange), pairs
``graph``       investment and the trust edges (trust, distrust, maturity)
``walk``        :class:`~.walk.SparkNetworkTrust`: the walk's steps as joins
``job``         one run: export in, scores Parquet out
``readback``    scores Parquet into the ledger (pyarrow only: no Spark needed)
``entry``       ``goodwill spark run`` and the ``spark-submit`` entry point
==============  ================================================================

No Python runs on the executors (no UDFs): everything is Spark SQL expressions, so a
cluster's workers need Java and Spark, not goodwill.
"""

from __future__ import annotations
