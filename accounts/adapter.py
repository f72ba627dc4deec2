"""allauth adapters: e-mail goes out through the notifications outbox, the user's language is
remembered."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import get_language

from notifications.services import send_account_email

from . import encryption


@dataclass(frozen=True)
class MailSite:
    """What allauth's e-mail templates call current_site: our name and the host users reach."""

    name: str
    domain: str


# What allauth's e-mails carry that only their recipient may read: confirmation and reset links,
# sign-in and verification codes. They are sent, never kept readable (notifications.sealing).
PERSONAL = ("activate_url", "password_reset_url", "key", "code")


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Render in the recipient's language, then write it to the outbox: a Celery task sends
        it once the transaction commits (or the sweeper does, if the broker is down)."""
        request = allauth_context.request
        user = context.get("user")
        language = getattr(user, "language", None) or get_language()
        ctx = {"request": request, "email": email, "current_site": mail_site(request)}
        ctx.update(context)
        language = language_or_default(language)
        with translation.override(language):
            message = self.render_mail(template_prefix, email, ctx)
        personal = [str(context[name]) for name in PERSONAL if context.get(name)]
        send_account_email(message, language=language, secrets=personal)

    def get_email_confirmation_url(self, request, emailconfirmation):
        """Outside a request (a command, a task), the link points at SITE_URL."""
        if request is None and allauth_context.request is None:
            path = reverse("account_confirm_email", args=[emailconfirmation.key])
            return f"{settings.SITE_URL}{path}"
        return super().get_email_confirmation_url(request, emailconfirmation)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.language = language_or_default(get_language())
        if commit:
            with transaction.atomic():
                user.save()
        return user

    def get_login_redirect_url(self, request):
        """Send the user back in their preferred language."""
        url = super().get_login_redirect_url(request)
        language = getattr(request.user, "language", None)
        return in_language(url, language) if language else url

    def get_signup_redirect_url(self, request):
        """Where a new user lands once their address is confirmed: in the language they signed
        up in, which save_user() made theirs."""
        return in_language(super().get_signup_redirect_url(request), get_language())

    def get_logout_redirect_url(self, request):
        """Signing out of an English page leads to the English home page."""
        return in_language(super().get_logout_redirect_url(request), get_language())

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        """A change to the account (its password, an address, a second factor) is told in the
        account's language, whatever the language of the page it was made on."""
        context = {"user": user, **(context or {})}
        super().send_notification_mail(template_prefix, user, context=context, email=email)

    def get_reauthentication_methods(self, user):
        """Whoever has a second factor re-authenticates with it: a password alone is what a
        thief of the password has too."""
        methods = super().get_reauthentication_methods(user)
        second_factor = [method for method in methods if method["id"].startswith("mfa_")]
        return second_factor or methods


class MFAAdapter(DefaultMFAAdapter):
    """The second factors' secrets are stored encrypted (accounts.encryption)."""

    def encrypt(self, text):
        return encryption.encrypt(text)

    def decrypt(self, encrypted_text):
        return encryption.decrypt(encrypted_text)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_app(self, request, provider, client_id=None):
        """A provider without credentials (ORCID before they are set) is not found (404), not a
        server error (allauth raises SocialApp.DoesNotExist)."""
        from allauth.socialaccount.models import SocialApp

        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            raise Http404 from None

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        if sociallogin.account.provider == "orcid":
            user.orcid = sociallogin.account.uid
        user.language = language_or_default(get_language())
        return user


def in_language(url, language):
    """`url` translated into `language`. The address is read in the language its prefix names,
    else in the default one ("/", LOGIN_REDIRECT_URL, is the French home page): read in another,
    "/en/candidatures/" would be a page of the CMS, and lead to "/en/en/candidatures/"."""
    reading = translation.get_language_from_path(urlsplit(url).path) or settings.LANGUAGE_CODE
    with translation.override(reading):
        return translate_url(url, language)


def language_or_default(code):
    codes = [language for language, _name in settings.LANGUAGES]
    return code if code in codes else settings.LANGUAGE_CODE


def mail_site(request):
    """The site named in e-mails: the host of the request, or SITE_URL's outside a request."""
    domain = request.get_host() if request is not None else urlsplit(settings.SITE_URL).netloc
    return MailSite(name=settings.WAGTAIL_SITE_NAME, domain=domain)
