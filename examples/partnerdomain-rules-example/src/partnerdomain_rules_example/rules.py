"""Rules written in Python, with the @rule decorator."""

from partnerdomain import Opportunity, Partner
from partnerdomain.rules import Outcome, flag, recommend, rule

__all__ = ["big_deal_keeps_partner_manager", "gold_needs_two_certified"]

BIG_DEAL = 250_000


@rule("gold-needs-two-certified", applies_to="partner", priority=10)
def gold_needs_two_certified(partner: Partner) -> Outcome | None:
    """A Gold partner needs at least two certified engineers."""
    if partner.tier == "Gold" and partner.certifications < 2:
        return flag(
            "Gold partners need two certified engineers",
            severity="error",
            facts={"tier": partner.tier, "certifications": partner.certifications},
        )
    return None


@rule("big-deal-keeps-partner-manager", applies_to="opportunity")
def big_deal_keeps_partner_manager(deal: Opportunity) -> Outcome | None:
    """An open deal over 250k keeps a partner manager on it until it is won."""
    if deal.is_open and deal.amount.amount > BIG_DEAL and deal.partner_manager_id is None:
        return recommend(
            "assign_partner_manager",
            reason=f"open deals over {BIG_DEAL:,} keep a partner manager until they are won",
            facts={"amount": deal.amount.amount, "stage": deal.stage},
        )
    return None
