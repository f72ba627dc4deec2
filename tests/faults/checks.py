"""What every fault test asserts about the database and the mailbox afterwards."""

import time


def complete(row):
    """Submitted once, with a whole snapshot whose fingerprint matches, as the receipt says."""
    submissions = row["submissions"]
    return (
        row["state"] == "submitted"
        and row["submitted_at"]
        and len(submissions) == 1
        and submissions[0]["fingerprint_ok"]
        and submissions[0]["title"] == row["title"]
        and submissions[0]["team"] == row["team"] == 2
        and submissions[0]["budget_lines"] == row["budget_lines"] == 1
        and row["events"] == ["submit"]
    )


def intact_draft(row):
    """Still a draft, nothing of a submission left behind, the draft as it was prepared."""
    return (
        row["state"] == "draft"
        and not row["submitted_at"]
        and row["submissions"] == []
        and row["events"] == []
        and row["messages"] == 0
        and row["team"] == 2
        and row["budget_lines"] == 1
    )


def wait_for_mail(stack, expected, timeout=90):
    """The e-mails written so far, once `expected` of them are there (or the time is up), and a
    second more, long enough for a duplicate to show."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sum(map(len, stack.sent_mail().values())) >= expected:
            break
        time.sleep(0.5)
    time.sleep(3)
    return stack.sent_mail()


def sent_once(rows, sent):
    """Each lead whose application is submitted got exactly one e-mail, nobody else got any;
    every receipt's delivery is marked sent. Returns the problems found (empty when none)."""
    problems = []
    expected = {row["email"] for row in rows.values() if row["state"] == "submitted"}
    for email in expected:
        if len(sent.get(email, [])) != 1:
            problems.append(f"{email}: {len(sent.get(email, []))} e-mails")
    for email in set(sent) - expected:
        problems.append(f"{email}: {len(sent[email])} e-mails, but nothing submitted")
    for pk, row in rows.items():
        if row["state"] == "submitted" and (row["messages"], row["deliveries"]) != (1, ["sent"]):
            problems.append(f"application {pk}: {row['messages']} messages, {row['deliveries']}")
    return problems
