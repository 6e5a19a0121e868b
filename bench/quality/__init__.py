"""Trust-quality evaluation: loaders, baselines, protocols and metrics for bench/trust_quality.py.

Each module has one job: ``data`` reads the shared SNAP files, ``metrics`` scores
predictions, one module per baseline, ``protocols`` runs the evaluations, ``methods``
states the contract every method meets.
"""
