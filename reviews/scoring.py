"""Scores: each criterion on its own scale, the weighted total on /20, thresholds."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from common.formats import score
from common.forms import parse_decimal

OUT_OF = Decimal("20")
CENTS = Decimal("0.01")


def parse_score(raw):
    """A score typed as "3", "3.5" or "3,5" (common.forms reads it whatever the page's
    language); None when empty; ValueError when not a number."""
    if raw is None or str(raw).strip() == "":
        return None
    try:
        return parse_decimal(raw)
    except ValueError:  # nor "NaN", which cannot be compared with the scale
        raise ValueError(_("Type a number, such as 3 or 3.5.")) from None


def parse_scores(call, criteria, typed):
    """Typed scores checked against each criterion's scale and the call's half points.

    typed: {criterion id: (raw score, comment)}; criteria: {criterion id: criterion}.
    Returns ({criterion id: (score, comment)}, {"score_<id>": [message]}); unknown criteria
    are ignored.
    """
    parsed, problems = {}, {}
    for criterion_id, (raw, comment) in (typed or {}).items():
        criterion = criteria.get(int(criterion_id))
        if criterion is None:
            continue
        try:
            value = parse_score(raw)
            problem = score_problem(criterion, value, call.half_points)
        except ValueError as error:
            problem = str(error)
        if problem:
            problems[f"score_{criterion.pk}"] = [problem]
        else:
            parsed[criterion.pk] = (value, (comment or "").strip())
    return parsed, problems


def score_problem(criterion, value, half_points):
    """Why `value` is not a valid score on `criterion`, or None."""
    if value is None:
        return None
    if not criterion.scale_min <= value <= criterion.scale_max:
        return _("Give a score from %(min)s to %(max)s.") % {
            "min": format_score(criterion.scale_min),
            "max": format_score(criterion.scale_max),
        }
    step = Decimal("0.5") if half_points else Decimal("1")
    # quantize(CENTS), exact, first: 1e-999999999 % 1 underflows to 0 and looked whole.
    if value.quantize(CENTS) != value or value % step:
        return _("Half points are allowed, no finer.") if half_points else _("Whole points only.")
    return None


def weighted_score(criteria, scores):
    """The weighted mean of the scores, each brought onto 0-1 by its scale, shown on /20.

    `scores` maps a criterion id to its score; None if any criterion is not scored yet.
    """
    criteria = list(criteria)
    if not criteria or any(scores.get(criterion.pk) is None for criterion in criteria):
        return None
    total_weight = sum((criterion.weight for criterion in criteria), Decimal("0"))
    weighted = sum(
        (
            criterion.weight
            * (Decimal(scores[criterion.pk]) - criterion.scale_min)
            / (criterion.scale_max - criterion.scale_min)
            for criterion in criteria
        ),
        Decimal("0"),
    )
    return (weighted / total_weight * OUT_OF).quantize(CENTS, rounding=ROUND_HALF_UP)


def threshold_failures(call, criteria, scores, total):
    """What falls under the call's thresholds: a message per criterion, and for the total."""
    failures = []
    for criterion in criteria:
        value = scores.get(criterion.pk)
        if criterion.threshold is not None and value is not None and value < criterion.threshold:
            failures.append(
                _("%(criterion)s: %(score)s, under the threshold of %(threshold)s")
                % {
                    "criterion": criterion.name,
                    "score": format_score(value),
                    "threshold": format_score(criterion.threshold),
                }
            )
    if call.total_threshold is not None and total is not None and total < call.total_threshold:
        failures.append(
            _("Total: %(score)s/20, under the threshold of %(threshold)s/20")
            % {"score": format_score(total), "threshold": format_score(call.total_threshold)}
        )
    return failures


def format_score(value):
    """3.50 -> "3,5" in French, "3.5" in English; 4.00 -> "4"; "" when None. What the person
    reads back in a score field or a message, as common.formats writes scores."""
    return score(value)
