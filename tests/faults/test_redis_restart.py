"""Redis (the broker, and the cache of the rate limits) stops and comes back while applicants
submit and sign in."""

import pytest

from tests.factories import DEFAULT_PASSWORD

from .checks import complete, sent_once, wait_for_mail
from .load import request, submit, submit_all

pytestmark = pytest.mark.faults

BATCH = 10


def test_submissions_are_acknowledged_with_redis_down_and_every_receipt_is_sent_once(stack, redis):
    stack.start_web()
    stack.start_worker("a")
    stack.start_beat()
    bench = stack.probe("prepare", 3 * BATCH)
    before, during, after = (bench["applications"][n : n + BATCH] for n in (0, 10, 20))

    # Redis stops just after a first batch: tasks it held but no worker took yet are lost.
    first = submit_all(before)
    redis.stop()
    down = submit_all(during)
    # The applicant who submitted sees their application (and its confirmation) meanwhile.
    page = request("GET", f"/candidatures/{during[0]['id']}/", during[0]["cookies"])[0]
    # And another one signs in (allauth counts failed logins in the cache).
    login = {"login": after[0]["email"], "password": DEFAULT_PASSWORD}
    signed_in = request("POST", "/en/accounts/login/", {"csrftoken": "c" * 32}, login)
    redis.start()
    last = [submit(a) for a in after]

    assert [o for o in first + down + last if not o.acknowledged] == []
    assert page == 200
    assert signed_in[0] == 302 and "sessionid=" in (signed_in[1].getheader("Set-Cookie") or "")
    rows = {int(pk): row for pk, row in stack.probe("inspect", bench["call"]).items()}
    assert [pk for pk, row in rows.items() if not complete(row)] == []
    # Queued to nobody while Redis was down, or lost with it: the sweeper sends them, once.
    sent = wait_for_mail(stack, 3 * BATCH)
    rows = {int(pk): row for pk, row in stack.probe("inspect", bench["call"]).items()}
    assert sent_once(rows, sent) == []
    print(
        f"\n{3 * BATCH} submissions, {BATCH} of them with Redis down (answered in at most "
        f"{max(o.seconds for o in down):.1f} s): all acknowledged and stored, "
        f"{sum(map(len, sent.values()))} e-mails for {3 * BATCH} receipts"
    )
