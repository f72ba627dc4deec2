"""The audit trail's one writer for what is not an application's own transition (those are
written by services.transition): assignments, reviews, consensus reports and decisions record
their state changes here, against the application they belong to."""

from .models import ApplicationEvent, AuditSubject


def record(application, actor, subject, action, from_state="", to_state="", reason=""):
    """One audit row. Call inside the transaction that makes the change."""
    return ApplicationEvent.objects.create(
        application_id=getattr(application, "pk", application),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        subject=AuditSubject(subject),
        action=action,
        from_state=from_state or "",
        to_state=to_state or "",
        reason=reason or "",
    )


def record_many(rows):
    """Several rows at once: `rows` are dicts of record()'s arguments."""
    return ApplicationEvent.objects.bulk_create(
        ApplicationEvent(
            application_id=getattr(row["application"], "pk", row["application"]),
            actor=row.get("actor")
            if getattr(row.get("actor"), "is_authenticated", False)
            else None,
            subject=AuditSubject(row["subject"]),
            action=row["action"],
            from_state=row.get("from_state") or "",
            to_state=row.get("to_state") or "",
            reason=row.get("reason") or "",
        )
        for row in rows
    )
