"""The attack lab behind ``bench/attacks.py``: honest graphs, attacks, methods, metrics.

One job per module: ``graphs`` loads the honest graphs from the shared SNAP files as
event columns and picks the community's seeds; ``inject`` adds the attacks as events;
``methods`` scores every node under goodwill and the baselines; ``metrics`` turns scores
into the attacker's gain; ``lab`` runs one graph through every attack; ``targets`` checks issue #6's
targets against the results.
"""
