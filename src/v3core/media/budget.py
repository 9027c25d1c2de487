"""A job's spending cap: ``advanced.maxCost`` (USD) of the brief, checked before each paid step."""

from __future__ import annotations

import math

from v3core.brief import Brief
from v3core.errors import BudgetExceeded, ValidationFailed
from v3core.model import Job

_KEYS = ("maxCost", "max_cost")


def max_cost(brief: Brief) -> float | None:
    """The brief's ``advanced.maxCost`` (``None`` when absent).

    Raises ``ValidationFailed`` at ``advanced.maxCost`` unless it is a finite number >= 0.
    """
    for key in _KEYS:
        if key in brief.advanced and brief.advanced[key] is not None:
            value = brief.advanced[key]
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ValidationFailed.at(("advanced", "maxCost"), "maxCost must be a number of USD")
            if value < 0:
                raise ValidationFailed.at(("advanced", "maxCost"), "maxCost must not be negative")
            return float(value)
    return None


def check_budget(job: Job, step: str, amount: float) -> None:
    """Raise ``BudgetExceeded`` (with the figures) if spending ``amount`` on ``step`` would take
    ``job`` past its ``maxCost``; nothing when the brief sets no cap."""
    limit = max_cost(job.brief)
    if limit is None or amount <= 0:
        return
    spent = job.cost.actual
    if spent + amount > limit + 1e-9:
        raise BudgetExceeded(
            f"{step} would cost {amount:.4f} USD on top of {spent:.4f} USD already spent, "
            f"{spent + amount:.4f} USD in all, over the job's maxCost of {limit:.4f} USD"
        )
