"""Weighted scores (reviews.scoring), from criteria that are never saved: no database."""

from decimal import Decimal

import pytest

from reviews.scoring import weighted_score

from .factories import CallCriterionFactory

pytestmark = pytest.mark.unit


def test_weighted_scores_on_different_scales_are_shown_on_twenty():
    quality = CallCriterionFactory.build(pk=1, weight=Decimal("2"), scale_min=0, scale_max=5)
    impact = CallCriterionFactory.build(pk=2, weight=Decimal("1"), scale_min=1, scale_max=10)
    criteria = [quality, impact]
    assert weighted_score(criteria, {quality.pk: Decimal("4"), impact.pk: Decimal("5.5")}) == (
        Decimal("14.00")  # (2 * 4/5 + 1 * 4.5/9) / 3 * 20
    )
    assert weighted_score(criteria, {quality.pk: Decimal("4"), impact.pk: Decimal("6")}) == (
        Decimal("14.37")  # (2 * 4/5 + 1 * 5/9) / 3 * 20 = 14.370...
    )
    assert weighted_score(criteria, {quality.pk: Decimal("5"), impact.pk: Decimal("10")}) == 20
    assert weighted_score(criteria, {quality.pk: Decimal("0"), impact.pk: Decimal("1")}) == 0
    assert weighted_score(criteria, {quality.pk: Decimal("4")}) is None
