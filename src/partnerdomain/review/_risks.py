"""Risks: what a partner team should look at this quarter, each with its reasons."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

import attrs

from partnerdomain.metrics._revenue import open_deals_with_partner
from partnerdomain.model import PartnerStage
from partnerdomain.policies import Reason
from partnerdomain.rules import Severity

if TYPE_CHECKING:
    from collections.abc import Iterable

    from partnerdomain.model import Portfolio, Quarter
    from partnerdomain.policies import Allocation, OffboardingRecommendation, StaffingPlan
    from partnerdomain.review._policies import RiskThresholds

__all__ = ["Risk", "RiskKind", "find_risks"]

POLICY = "QuarterlyReview"


class RiskKind(StrEnum):
    """The kinds of risk a review reports."""

    PERPETUAL_POOR_PERFORMER = "perpetual_poor_performer"
    """Bottom performer quarter after quarter: recommend offboarding."""
    OVERDUE_COMMITMENT = "overdue_commitment"
    """A promise to a partner past its due day and still open."""
    UNCOVERED_LARGE_DEAL = "uncovered_large_deal"
    """A large open partner deal with no partner manager on it."""
    STUCK_IN_ONBOARDING = "stuck_in_onboarding"
    """A partner onboarding for longer than the set time."""
    OVERLOADED_MANAGER = "overloaded_manager"
    """A member of the partner team over capacity."""
    UNASSIGNED_PARTNER = "unassigned_partner"
    """A partner no manager could take."""
    RULE_FLAG = "rule_flag"
    """An organisation rule flagged something."""
    RULE_ERROR = "rule_error"
    """An organisation rule failed; its decision is missing."""


_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
_KIND_ORDER = {kind: i for i, kind in enumerate(RiskKind)}


@attrs.frozen(kw_only=True)
class Risk:
    """One thing to look at, about one partner, deal, promise or person, with why.

    Attributes:
        kind: What kind of risk it is.
        severity: ``error``, ``warning`` or ``info``.
        subject_kind: ``"partner"``, ``"opportunity"``, ``"commitment"``,
            ``"manager"`` or ``"portfolio"``.
        subject_id: The subject's id (``None`` for the portfolio).
        partner_id: The partner concerned, if any.
        reasons: Why, with the facts and thresholds.
    """

    kind: RiskKind
    severity: Severity
    subject_kind: str
    subject_id: str | None
    partner_id: str | None
    reasons: tuple[Reason, ...]

    @property
    def summary(self) -> str:
        """The first reason's text: the risk in one line."""
        return self.reasons[0].text if self.reasons else self.kind.value

    def explain(self) -> str:
        """Return every reason on its own line."""
        return "\n".join(str(r) for r in self.reasons)

    def sort_key(self) -> tuple[int, int, str, str]:
        """Order: most severe first, then by kind, subject kind and id."""
        return (
            _SEVERITY_ORDER[self.severity],
            _KIND_ORDER[self.kind],
            self.subject_kind,
            self.subject_id or "",
        )


def _reason(quarter: Quarter, code: str, text: str, **facts: object) -> Reason:
    return Reason(code=code, policy=POLICY, quarter=quarter, text=text, facts=facts)


def find_risks(  # noqa: PLR0913 - every source of risk, named
    portfolio: Portfolio,
    quarter: Quarter,
    *,
    thresholds: RiskThresholds,
    offboarding: Iterable[OffboardingRecommendation],
    allocation: Allocation,
    staffing: StaffingPlan | None,
) -> list[Risk]:
    """Find the risks the policies' results and the portfolio show (rules come apart)."""
    risks: list[Risk] = [
        Risk(
            kind=RiskKind.PERPETUAL_POOR_PERFORMER,
            severity=Severity.WARNING,
            subject_kind="partner",
            subject_id=rec.partner_id,
            partner_id=rec.partner_id,
            reasons=rec.reasons,
        )
        for rec in offboarding
    ]
    risks += _commitments(portfolio, quarter, thresholds)
    risks += _large_deals(portfolio, quarter, thresholds)
    risks += _onboarding(portfolio, quarter, thresholds)
    risks += [
        Risk(
            kind=RiskKind.UNASSIGNED_PARTNER,
            severity=Severity.WARNING,
            subject_kind="partner",
            subject_id=item.partner_id,
            partner_id=item.partner_id,
            reasons=(item.reason,),
        )
        for item in allocation.unplaced
        # A disengaged partner, left so on purpose, is a perpetual poor performer risk.
        if not item.on_purpose
    ]
    if staffing is not None:
        risks += _overloaded(staffing, quarter)
    return risks


def _commitments(portfolio: Portfolio, quarter: Quarter, thresholds: RiskThresholds) -> list[Risk]:
    as_of = portfolio.as_of
    found = []
    for commitment in portfolio.commitments:
        if not commitment.is_overdue(as_of):
            continue
        late = (as_of - commitment.due_on).days
        severe = late > thresholds.overdue_error_days
        text = (
            f"{commitment.description!r} to {commitment.partner_id} was due on "
            f"{commitment.due_on.isoformat()} and is {late} day(s) overdue (owner "
            f"{commitment.owner_id})"
        )
        found.append(
            Risk(
                kind=RiskKind.OVERDUE_COMMITMENT,
                severity=Severity.ERROR if severe else Severity.WARNING,
                subject_kind="commitment",
                subject_id=commitment.id,
                partner_id=commitment.partner_id,
                reasons=(
                    _reason(
                        quarter,
                        "overdue",
                        text,
                        due_on=commitment.due_on,
                        days_overdue=late,
                        owner_id=commitment.owner_id,
                        error_after_days=thresholds.overdue_error_days,
                    ),
                ),
            )
        )
    return found


def _large_deals(portfolio: Portfolio, quarter: Quarter, thresholds: RiskThresholds) -> list[Risk]:
    limit = thresholds.large_deal
    found = []
    for _, _, opp in open_deals_with_partner(portfolio):
        if opp.partner_manager_id is not None or opp.amount.amount < limit:
            continue
        text = (
            f"open deal {opp.id} of {opp.amount} with partner {opp.partner_id} has no "
            f"partner manager on it (threshold {limit:,} {portfolio.currency})"
        )
        found.append(
            Risk(
                kind=RiskKind.UNCOVERED_LARGE_DEAL,
                severity=Severity.WARNING,
                subject_kind="opportunity",
                subject_id=opp.id,
                partner_id=opp.partner_id,
                reasons=(
                    _reason(
                        quarter,
                        "no_partner_manager",
                        text,
                        amount=opp.amount.amount,
                        threshold=limit,
                        stage=opp.stage.value,
                        account_executive_id=opp.account_executive_id,
                    ),
                ),
            )
        )
    return found


def _onboarding(portfolio: Portfolio, quarter: Quarter, thresholds: RiskThresholds) -> list[Risk]:
    as_of = portfolio.as_of
    found = []
    for partner in portfolio.partners:
        if partner.stage is not PartnerStage.ONBOARDING:
            continue
        days = (as_of - partner.stage_since).days
        if days <= thresholds.onboarding_days:
            continue
        done = round(partner.onboarding_progress * 100)
        text = (
            f"onboarding since {partner.stage_since.isoformat()} ({days} days, more than "
            f"{thresholds.onboarding_days}); checklist {done}% done"
        )
        found.append(
            Risk(
                kind=RiskKind.STUCK_IN_ONBOARDING,
                severity=Severity.WARNING,
                subject_kind="partner",
                subject_id=partner.id,
                partner_id=partner.id,
                reasons=(
                    _reason(
                        quarter,
                        "stuck_in_onboarding",
                        text,
                        days=days,
                        limit_days=thresholds.onboarding_days,
                        checklist_done=partner.onboarding_progress,
                        open_items=tuple(
                            k for k, v in partner.onboarding_checklist.items() if not v
                        ),
                    ),
                ),
            )
        )
    return found


def _overloaded(staffing: StaffingPlan, quarter: Quarter) -> list[Risk]:
    found = []
    for load in staffing.loads:
        if load.is_new or not load.overloaded:
            continue
        over = {w.value: u for w, u in load.utilisation.items() if u > 1}
        shown = ", ".join(
            f"{w} at {u:.0%}" if u.is_finite() else f"{w} with no capacity for it (unbounded)"
            for w, u in over.items()
        )
        text = f"{load.manager_id} is over capacity: {shown} of a year's capacity"
        found.append(
            Risk(
                kind=RiskKind.OVERLOADED_MANAGER,
                severity=Severity.WARNING,
                subject_kind="manager",
                subject_id=load.manager_id,
                partner_id=None,
                reasons=(
                    _reason(
                        quarter,
                        "over_capacity",
                        text,
                        utilisation={w.value: u for w, u in load.utilisation.items()},
                        load={w.value: n for w, n in load.load.items()},
                        role=load.segment.role.value,
                    ),
                ),
            )
        )
    return found
