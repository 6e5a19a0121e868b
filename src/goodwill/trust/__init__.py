"""Trust from history: evidence under a policy, pairwise opinions, standing and stages.

The path from the ledger to what a screen shows::

    load_events (ledger -> EventTable over people)
      -> compute_evidence (decay, negative factor, saturation, exchange bonus)
      -> Standing (credibility-weighted consensus, FxG-style fairness)
      -> opinions (belief, disbelief, uncertainty, expected trust)
      -> relationships_of (stages) / explain (why)
      -> trust_graph -> NetworkTrust (propagation from seeds) / strongest_paths (why)

:mod:`goodwill.trust.report` puts them together for the CLI and the web app.
"""

from __future__ import annotations

from goodwill.trust.evidence import EventTable, Evidence, compute_evidence
from goodwill.trust.explain import Explanation, explain
from goodwill.trust.model import TrustSnapshot, assess
from goodwill.trust.network import NetworkTrust, TrustGraph, trust_graph
from goodwill.trust.opinion import Opinions, opinions
from goodwill.trust.paths import TrustPath, strongest_paths
from goodwill.trust.policy import KindRule, Policy, default_policy, load_policy
from goodwill.trust.stages import STAGES, Relationships, relationships_of
from goodwill.trust.standing import Standing

__all__ = [
    "STAGES",
    "EventTable",
    "Evidence",
    "Explanation",
    "KindRule",
    "NetworkTrust",
    "Opinions",
    "Policy",
    "Relationships",
    "Standing",
    "TrustGraph",
    "TrustPath",
    "TrustSnapshot",
    "assess",
    "compute_evidence",
    "default_policy",
    "explain",
    "load_policy",
    "opinions",
    "relationships_of",
    "strongest_paths",
    "trust_graph",
]
