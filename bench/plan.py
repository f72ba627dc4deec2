"""How much `manage.py bench` does at a size: the full size is ../shared/BENCH.md's (a review call
of 1,000 applications, a rush of 200 applicants, reports of 500 and 100 applications); a smaller
size keeps every step, scaled down, so that a quick run (the smoke test's) goes through them all.
Figures measured below the full size are not comparable with the full runs'."""

from dataclasses import dataclass

FULL_SIZE = 1000


@dataclass(frozen=True)
class Plan:
    size: int = FULL_SIZE  # applications of the review call

    @property
    def full(self):
        return self.size >= FULL_SIZE

    @property
    def rush(self):
        """Applicants who submit at the same instant (200 at the full size)."""
        return max(2, self.size // 5)

    @property
    def submitters(self):
        """Applicants who submit one after the other (30)."""
        return max(1, min(30, self.size // 30))

    @property
    def applicants(self):
        """Bench applicants the plan needs: each applies to every benchmark call."""
        return max(self.size, self.rush + self.submitters + 1)

    @property
    def reviewers(self):
        """Bench reviewers: enough places for three reviews an application (20 each), at least
        six so that conflicts of interest leave some free."""
        return min(200, max(6, 3 * self.size // 20 + 1))

    @property
    def report_call(self):
        return max(2, self.size // 2)

    @property
    def dossier_book(self):
        return max(1, self.size // 10)

    @property
    def retention(self):
        """Dossiers past their period for the retention run (200 at the full size)."""
        return max(2, self.size // 5)

    @property
    def collections(self):
        """Labelled collections of the large demo for the directory and the map (2,000)."""
        return 2000 if self.full else max(20, 10 * self.size)

    @property
    def requests(self):
        """Requests per public page under load, at most."""
        return min(3000, 30 * self.size)

    @property
    def seconds(self):
        """Seconds per public page under load, at most."""
        return 8.0 if self.full else 1.0

    @property
    def saves(self):
        return min(40, max(3, self.size // 25))

    @property
    def page_loads(self):
        """Loads of each staff and reviewer page, at most."""
        return 20 if self.full else 2

    @property
    def report_runs(self):
        """Builds of each report, of which the median counts."""
        return 3 if self.full else 1
