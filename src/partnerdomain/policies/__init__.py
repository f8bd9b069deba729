"""Partner bets: swappable, explainable policies for where a partner team's time goes.

Each policy kind is a :class:`typing.Protocol` with a default implementation whose
parameters are validated when it is built. Policies are pure: a portfolio and a
quarter in, a result out, no clock, no hidden state (history, such as last quarter's
tiers, is passed in explicitly). Every result carries machine-readable
:class:`Reason` objects, and the organisation's rules may override a policy's answer
afterwards, which shows up as the last reason.

- Tiering (:class:`TieringPolicy`): :class:`RelativeBands` (top, middle, bottom and
  ramping partners), :class:`PerformanceTriangle` (aggressive growth, growth
  potential, limited growth), :class:`ThresholdTiers` (named program tiers with
  hysteresis), and :class:`PerpetualPoorPerformers` (who should leave the program).
- Allocation (:class:`AllocationPolicy`): :class:`EngagementAllocation` (engagement
  levels, new assignments, hours per partner within each manager's hours).
- Staffing (:class:`StaffingPolicy`): :class:`EvolvingMatrix` (capacity, funding,
  specialisation and the evolving matrix; plans and quarter-by-quarter forecasts).
"""

from partnerdomain.policies._allocation import (
    DEFAULT_LEVEL_ROLES,
    Allocation,
    AllocationPolicy,
    Assignment,
    EngagementAllocation,
    HoursAllocation,
    Unplaced,
)
from partnerdomain.policies._bands import IN_PROGRAM, Bands, PerformanceBand, RelativeBands
from partnerdomain.policies._engagement import DEFAULT_WEIGHTS, EngagementLevel, choose_engagement
from partnerdomain.policies._metric import (
    OPEN_PIPELINE,
    PARTNER_SOURCED_REVENUE,
    REVENUE_GROWTH,
    Metric,
    MetricFunction,
    Number,
)
from partnerdomain.policies._overrides import RuleEvaluator
from partnerdomain.policies._perpetual import OffboardingRecommendation, PerpetualPoorPerformers
from partnerdomain.policies._reasons import Placement, Reason
from partnerdomain.policies._staffing import (
    EvolvingMatrix,
    Hire,
    ManagerLoad,
    Move,
    MoveKind,
    StaffingPlan,
    StaffingPolicy,
    StructureChange,
    infer_structure,
)
from partnerdomain.policies._staffing_forecast import (
    ForecastHire,
    ForecastQuarter,
    ForecastState,
    GrowthAssumptions,
    OpenPosition,
    PositionDecision,
    StaffingForecast,
    forecast_staffing,
)
from partnerdomain.policies._staffing_model import CompanyStage, Segment, TeamStructure, Workload
from partnerdomain.policies._staffing_parameters import (
    STAFFING_CAPACITY,
    STAFFING_WEIGHTS,
    StaffingParameters,
)
from partnerdomain.policies._tiering import Placed, TieringPolicy, TieringResult
from partnerdomain.policies._tiers import (
    CriterionCheck,
    ThresholdTiers,
    Tier,
    TierPlacement,
    TierProgress,
    Tiers,
)
from partnerdomain.policies._triangle import PerformanceTriangle, Triangle, TriangleSegment

__all__ = [
    "DEFAULT_LEVEL_ROLES",
    "DEFAULT_WEIGHTS",
    "IN_PROGRAM",
    "OPEN_PIPELINE",
    "PARTNER_SOURCED_REVENUE",
    "REVENUE_GROWTH",
    "STAFFING_CAPACITY",
    "STAFFING_WEIGHTS",
    "Allocation",
    "AllocationPolicy",
    "Assignment",
    "Bands",
    "CompanyStage",
    "CriterionCheck",
    "EngagementAllocation",
    "EngagementLevel",
    "EvolvingMatrix",
    "ForecastHire",
    "ForecastQuarter",
    "ForecastState",
    "GrowthAssumptions",
    "Hire",
    "HoursAllocation",
    "ManagerLoad",
    "Metric",
    "MetricFunction",
    "Move",
    "MoveKind",
    "Number",
    "OffboardingRecommendation",
    "OpenPosition",
    "PerformanceBand",
    "PerformanceTriangle",
    "PerpetualPoorPerformers",
    "Placed",
    "Placement",
    "PositionDecision",
    "Reason",
    "RelativeBands",
    "RuleEvaluator",
    "Segment",
    "StaffingForecast",
    "StaffingParameters",
    "StaffingPlan",
    "StaffingPolicy",
    "StructureChange",
    "TeamStructure",
    "ThresholdTiers",
    "Tier",
    "TierPlacement",
    "TierProgress",
    "TieringPolicy",
    "TieringResult",
    "Tiers",
    "Triangle",
    "TriangleSegment",
    "Unplaced",
    "Workload",
    "choose_engagement",
    "forecast_staffing",
    "infer_structure",
]
