"""Messages (the outbox and the in-app inbox), their e-mail deliveries, preferences and the
templates staff edit.

A Message is written, already rendered, in the transaction of the event that causes it. Each
e-mail it needs is a Delivery row: the queue that workers and the sweeper take from, and the log
staff read.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import PreviewableMixin

from .events import KINDS, TEMPLATE_KINDS, Event


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("by e-mail at once")
    DIGEST = "digest", _("in a daily digest e-mail")
    OFF = "off", _("on this site only")


class MessageQuerySet(models.QuerySet):
    def inbox(self, user):
        return self.filter(user=user, in_inbox=True)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def waiting_for_digest(self):
        return self.filter(email_mode=EmailMode.DIGEST, digest__isnull=True)


class Message(models.Model):
    """One message to one person, rendered in their language when the event happened."""

    event = models.CharField(_("kind"), max_length=40, choices=KINDS)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notification_messages",
    )
    email = models.EmailField(_("e-mail address"))
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=255)
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    # A personal link or code (notifications.sealing): `text` and `html` show a mark in its
    # place; the e-mail is made of the sealed versions, dropped once it has left.
    personal_link = models.BooleanField(_("carries a personal link"), default=False)
    sealed_text = models.TextField(blank=True, editable=False)
    sealed_html = models.TextField(blank=True, editable=False)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # [["dotted.path.to.provider", [args...]], ...]: each provider returns (filename, bytes,
    # mimetype) when the e-mail is sent, so that this app imports no other app.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    in_inbox = models.BooleanField(_("shown in the inbox"), default=True)
    # What the message is about, as its caller named it ("projects.payment:12"): notify tells
    # nobody twice of the same event about the same thing.
    about = models.CharField(_("about"), max_length=100, blank=True)
    email_mode = models.CharField(
        _("e-mail"), max_length=10, choices=EmailMode.choices, default=EmailMode.IMMEDIATE
    )
    digest = models.ForeignKey(
        "self",
        verbose_name=_("sent in the digest"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="gathered",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notif_inbox"),
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True, in_inbox=True),
                name="notif_unread",
            ),
            models.Index(
                fields=["user"],
                condition=models.Q(email_mode="digest", digest__isnull=True),
                name="notif_digest_waiting",
            ),
            models.Index(
                fields=["event", "about"], condition=~models.Q(about=""), name="notif_about"
            ),
        ]
        permissions = [
            ("manage_deliveries", _("Can read the delivery log and resend messages")),
        ]

    def __str__(self):
        return self.subject

    @property
    def title(self):
        """The subject without the site's name in front, for lists."""
        prefix = f"[{settings.WAGTAIL_SITE_NAME}] "
        return self.subject.removeprefix(prefix)


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("pending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class Delivery(models.Model):
    """One e-mail to send: the first one of a message, or a resend asked for by staff."""

    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="deliveries"
    )
    to = models.EmailField(_("to"))
    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state=DeliveryState.PENDING),
                name="notif_delivery_due",
            ),
            models.Index(fields=["state", "-created_at"], name="notif_delivery_state"),
        ]

    def __str__(self):
        return f"{self.to}: {self.message.subject}"

    # What the delivery log asks, so that it names no state by its string.
    @property
    def is_pending(self):
        return self.state == DeliveryState.PENDING

    @property
    def is_sent(self):
        return self.state == DeliveryState.SENT

    @property
    def is_failed(self):
        return self.state == DeliveryState.FAILED


class Preference(models.Model):
    """How one user wants one kind of message by e-mail; without a row, at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    event = models.CharField(_("kind"), max_length=40, choices=Event.choices)
    email_mode = models.CharField(_("e-mail"), max_length=10, choices=EmailMode.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="one_preference_per_event")
        ]

    def __str__(self):
        return f"{self.user}: {self.event} {self.email_mode}"


class MessageTemplate(PreviewableMixin, models.Model):
    """A staff-edited version of a message's templates in one language; the files in
    templates/notifications/<kind>/ are used when there is none."""

    event = models.CharField(_("kind"), max_length=40, choices=TEMPLATE_KINDS)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(
        _("subject"),
        max_length=255,
        help_text=_("One line; the site's name is put in front of it."),
    )
    text = models.TextField(
        _("plain text"),
        help_text=_(
            "{{ variable }}, {% if %}, {% for %} and the filters date, money and default, over "
            "the variables listed above."
        ),
    )
    html = models.TextField(
        _("HTML"),
        blank=True,
        help_text=_("The body of the HTML part; when empty, it is made from the plain text."),
    )
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["event", "language"]
        constraints = [
            models.UniqueConstraint(fields=["event", "language"], name="one_template_per_language")
        ]

    def __str__(self):
        return f"{self.get_event_display()} ({self.language})"

    def clean(self):
        from common.sandbox import TemplateRefused, compile_template

        from .previews import preview, sample_context

        if not self.event:
            return
        offered = sample_context(self.event)
        errors = {}
        for field in ("subject", "text", "html"):
            try:
                compile_template(getattr(self, field), offered)
            except TemplateRefused as refusal:
                errors[field] = refusal.problems
        if errors:
            raise ValidationError(errors)
        failure = preview(self).get("error")
        if failure:
            raise ValidationError(
                _("With sample data, this template fails: %(error)s") % {"error": failure}
            )

    def refusals(self):
        """What the sandbox refuses in this stored template ({field: problems}), for
        `manage.py check_staff_templates`."""
        from common.sandbox import TemplateRefused, compile_template

        from .previews import sample_context

        refused = {}
        for field in ("subject", "text", "html"):
            try:
                compile_template(getattr(self, field), sample_context(self.event))
            except TemplateRefused as refusal:
                refused[field] = refusal.problems
        return refused

    def get_preview_template(self, request, mode_name):
        return "notifications/admin/template_preview.html"

    def get_preview_context(self, request, mode_name):
        from .previews import preview

        return {"preview": preview(self)}
