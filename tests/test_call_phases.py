"""A call's phase is derived from its dates: open from opening (included) to closing (excluded)."""

import datetime as dt

import pytest

from calls.models import Call, CallPhase, phase_at
from common.formats import PARIS

from .factories import CallFactory

SECOND = dt.timedelta(seconds=1)


def paris(*args):
    return dt.datetime(*args, tzinfo=PARIS)


OPENS = paris(2027, 1, 5, 9, 0)
CLOSES = paris(2027, 2, 15, 12, 0)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (OPENS - SECOND, CallPhase.UPCOMING),
        (OPENS, CallPhase.OPEN),
        (OPENS + SECOND, CallPhase.OPEN),
        (CLOSES - SECOND, CallPhase.OPEN),
        (CLOSES, CallPhase.CLOSED),
        (CLOSES + SECOND, CallPhase.CLOSED),
    ],
)
def test_phase_at_the_edges_of_opening_and_closing(now, expected):
    assert phase_at(OPENS, CLOSES, now) == expected


@pytest.mark.parametrize(
    ("closes", "utc_hour"),
    [
        # Summer time starts on 28 March 2027 at 02:00: noon in Paris is 10:00 UTC that day.
        (paris(2027, 3, 28, 12, 0), 10),
        # Winter time starts on 25 October 2026 at 03:00: noon in Paris is 11:00 UTC that day.
        (paris(2026, 10, 25, 12, 0), 11),
        # The night of the change: 03:30 on 28 March 2027 is already summer time.
        (paris(2027, 3, 28, 3, 30), 1),
    ],
)
def test_deadline_across_a_daylight_saving_change(closes, utc_hour):
    """The deadline is the Paris wall-clock time, whatever the offset on that day."""
    assert closes.astimezone(dt.UTC).hour == utc_hour
    opens = closes - dt.timedelta(days=30)  # a month earlier, in the other offset
    assert phase_at(opens, closes, closes - SECOND) == CallPhase.OPEN
    assert phase_at(opens, closes, closes) == CallPhase.CLOSED
    assert phase_at(opens, closes, opens - SECOND) == CallPhase.UPCOMING


@pytest.mark.django_db
def test_database_phase_matches_python_phase_at_every_edge():
    """The list filters (computed in SQL) agree with the call page (computed in Python)."""
    call = CallFactory(opens_at=OPENS, closes_at=CLOSES)
    for now in (OPENS - SECOND, OPENS, CLOSES - SECOND, CLOSES, CLOSES + SECOND):
        annotated = Call.objects.with_phase(now).get(pk=call.pk)
        assert annotated.current_phase == call.phase_at(now)
        for phase in (CallPhase.UPCOMING, CallPhase.OPEN, CallPhase.CLOSED):
            found = Call.objects.in_phase(phase, now).filter(pk=call.pk).exists()
            assert found == (phase == call.phase_at(now)), (now, phase)


@pytest.mark.django_db
def test_deadline_is_stored_in_utc():
    call = CallFactory(opens_at=paris(2027, 3, 1, 9, 0), closes_at=paris(2027, 3, 28, 12, 0))
    call.refresh_from_db()
    assert call.closes_at.utcoffset() == dt.timedelta(0)
    assert call.closes_at == dt.datetime(2027, 3, 28, 10, 0, tzinfo=dt.UTC)
