"""The scale lab behind ``bench/scale.py``.

One job per module: ``graphs`` builds the synthetic power-law graphs and loads Higgs;
``bound`` measures the memory-bandwidth floor of a step; ``child`` runs one measurement in
a fresh process; ``propagation`` times each method's step; ``pipeline`` goes from a ledger
to network trust; ``events`` and ``aggregation`` measure evidence aggregation; ``spark``
times the PySpark engine's step in local mode; ``report`` and ``targets`` turn the results
into tables and issue #8's checks.
"""
