"""allauth adapters: e-mail goes out through a Celery task, the user's language is remembered."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.db import transaction
from django.urls import translate_url
from django.utils.translation import get_language

from notifications.tasks import queue_email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, context)
        queue_email(message)

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
        if language and language != get_language():
            return translate_url(url, language)
        return url


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        if sociallogin.account.provider == "orcid":
            user.orcid = sociallogin.account.uid
        user.language = language_or_default(get_language())
        return user


def language_or_default(code):
    codes = [language for language, _name in settings.LANGUAGES]
    return code if code in codes else settings.LANGUAGE_CODE
