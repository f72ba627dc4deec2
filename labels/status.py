"""A collection's label state, derived from its dates (never typed): labelled, ending soon (its
renewal is due) or expired. Today is Paris's: a label holds through its last day."""

from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.formats import PARIS
from common.months import add_months

# A label that ends within this many months is due for renewal.
ENDING_SOON_MONTHS = 6


class LabelState(models.TextChoices):
    LABELLED = "labelled", _("Labelled")
    ENDING_SOON = "ending_soon", _("Label ending soon")
    EXPIRED = "expired", _("Label expired")

    @property
    def is_expired(self):
        return self == LabelState.EXPIRED

    @property
    def is_ending_soon(self):
        return self == LabelState.ENDING_SOON


def paris_today():
    return timezone.now().astimezone(PARIS).date()


def label_state(collection, today=None) -> LabelState:
    today = today or paris_today()
    if collection.expires_on < today:
        return LabelState.EXPIRED
    if collection.expires_on < add_months(today, ENDING_SOON_MONTHS):
        return LabelState.ENDING_SOON
    return LabelState.LABELLED


def state_condition(state, today=None) -> Q:
    """label_state() as a database condition, to filter a queryset of collections."""
    today = today or paris_today()
    soon = add_months(today, ENDING_SOON_MONTHS)
    if state == LabelState.EXPIRED:
        return Q(expires_on__lt=today)
    if state == LabelState.ENDING_SOON:
        return Q(expires_on__gte=today, expires_on__lt=soon)
    return Q(expires_on__gte=soon)


def with_label_state(queryset, today=None):
    """`queryset` annotated with `label_state` (a LabelState value) for sorting and filters."""
    today = today or paris_today()
    return queryset.annotate(
        label_state=Case(
            *(When(state_condition(state, today), then=Value(state.value)) for state in LabelState),
            output_field=models.CharField(),
        )
    )
