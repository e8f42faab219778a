"""Analyses on the engine: explain, Pareto, resilience, gaps, intermediary, people, policies, compare, versions."""

from modcluster.analysis.comparison import Comparison, compare
from modcluster.analysis.diagnosis import Diagnosis, Relaxation, explain, least_limits, least_limits_after
from modcluster.analysis.dropouts import Dropout, Resilience, critical_organizations, resilience
from modcluster.analysis.gaps import (
    Addition,
    AdditionSet,
    ClusterGaps,
    ProductSets,
    Proposal,
    Reach,
    cluster_gaps,
    minimal_sets,
)
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
from modcluster.analysis.versions import (
    Answer,
    AnswerDiff,
    AnswersDiff,
    CatalogDiff,
    Change,
    Question,
    RankChange,
    VersionsDiff,
    diff_answers,
    diff_catalogs,
)

__all__ = [
    "Addition",
    "AdditionSet",
    "Answer",
    "AnswerDiff",
    "AnswersDiff",
    "CatalogDiff",
    "Change",
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
    "ProductSets",
    "ProductValue",
    "Proposal",
    "Question",
    "RankChange",
    "Reach",
    "Relaxation",
    "Resilience",
    "SlotRivalry",
    "VersionsDiff",
    "cluster_gaps",
    "compare",
    "critical_organizations",
    "diff_answers",
    "diff_catalogs",
    "explain",
    "intermediary_value",
    "least_limits",
    "least_limits_after",
    "minimal_sets",
    "pareto_front",
    "people_value",
    "policy_value",
    "resilience",
    "summarize",
]
