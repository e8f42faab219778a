"""Analyses built on the engine: explain, Pareto fronts, resilience, gaps, intermediary, people, policies, compare."""

from modcluster.analysis.comparison import Comparison, compare
from modcluster.analysis.diagnosis import Diagnosis, Relaxation, explain
from modcluster.analysis.dropouts import Dropout, Resilience, critical_organizations, resilience
from modcluster.analysis.gaps import Addition, ClusterGaps, cluster_gaps
from modcluster.analysis.intermediary import IntermediaryValue, ProductValue, intermediary_value
from modcluster.analysis.pareto import ParetoFront, ParetoPoint, pareto_front
from modcluster.analysis.people import PeopleValue, PersonEffect, people_value
from modcluster.analysis.policies import (
    CityWork,
    Competition,
    PolicyBaseline,
    PolicyEffect,
    PolicyValue,
    SlotRivalry,
    policy_value,
)
from modcluster.analysis.summary import summarize

__all__ = [
    "Addition",
    "CityWork",
    "ClusterGaps",
    "Comparison",
    "Competition",
    "Diagnosis",
    "Dropout",
    "IntermediaryValue",
    "ParetoFront",
    "ParetoPoint",
    "PeopleValue",
    "PersonEffect",
    "PolicyBaseline",
    "PolicyEffect",
    "PolicyValue",
    "ProductValue",
    "Relaxation",
    "Resilience",
    "SlotRivalry",
    "cluster_gaps",
    "compare",
    "critical_organizations",
    "explain",
    "intermediary_value",
    "pareto_front",
    "people_value",
    "policy_value",
    "resilience",
    "summarize",
]
