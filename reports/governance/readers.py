"""Whom a call report or a dossier book is built for, and who may read it.

Both show scores, reviews and proposals. A council member may not read those of a dossier they
are in conflict with or whose review they owe (reviews.rules' `deliberates`), so a report is
built for the person who asked: the build asks withheld_in() once, leaves those dossiers out of
the book or withholds their scores and proposal in the call report, and records on the report
whom it was built for and which applications it withheld (Report.built_for, Report.withheld).

At each reading the question is asked again (reports.rules): a council member reads such a
report when everything they may not read now was withheld from it. A report built for them
before they came into conflict with a dossier, or were asked to review it, shows that dossier:
it is closed to them from then on, and they ask for a new one. Conflicts change while the
report stays as it was built: only the reader's conflicts of now say whether it may be read.
"""

from accounts.roles import is_programme_staff
from applications.models import Application
from reviews.ranking import withheld_from

from .dossier_book import BOOK_STATES


def withheld_in(call, reader):
    """{application id: why} for the applications of `call` (a Call or its id) that a report
    may show and `reader` may not read (reviews.ranking.withheld_from); nothing for staff or for
    no reader. A fixed number of queries."""
    if reader is None or is_programme_staff(reader):
        return {}
    applications = list(Application.objects.filter(call=call, state__in=BOOK_STATES).only("pk"))
    return withheld_from(reader, applications)


def withholds_all_they_may_not_read(report, user, withheld_now):
    """True when the report kept from `user` everything they may not read now (`withheld_now`,
    application ids): it was built for them and withheld at least those; or nothing is withheld
    from them now."""
    if not withheld_now:
        return True
    return report.built_for_id == user.id and set(withheld_now) <= set(report.withheld)
