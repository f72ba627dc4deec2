from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from .identifiers import normalise_orcid, normalise_ror, validate_orcid, validate_ror


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person: applicant, reviewer, council member or staff. The e-mail address is the login."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Messages and pages are shown to you in this language."),
    )
    orcid = models.CharField(
        _("ORCID iD"),
        max_length=19,
        blank=True,
        validators=[validate_orcid],
        help_text=_("Your persistent researcher identifier, such as 0000-0002-1825-0097."),
    )
    institution = models.ForeignKey(
        "accounts.Institution",
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )

    USERNAME_FIELD = "email"
    # createsuperuser asks them: an account made by a command is named like one signed up for.
    REQUIRED_FIELDS = ["first_name", "last_name"]

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        if self.orcid:
            self.orcid = normalise_orcid(self.orcid)

    @property
    def orcid_url(self):
        return f"https://orcid.org/{self.orcid}" if self.orcid else ""


class InstitutionKind(models.TextChoices):
    MEMBER = "member", _("Member")
    ASSOCIATED = "associated", _("Associated institution")
    OPERATOR = "operator", _("National operator")
    OTHER = "other", _("Other")


class Institution(models.Model):
    """An institution of the directory, used for teams, reviewers and conflicts of interest."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    acronym = models.CharField(_("acronym"), max_length=50, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=InstitutionKind.choices, default=InstitutionKind.OTHER
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    ror = models.CharField(
        _("ROR identifier"),
        max_length=9,
        blank=True,
        validators=[validate_ror],
        help_text=_("From the Research Organization Registry (ror.org), such as 02feahw73."),
    )
    language = models.CharField(
        _("language of its agreements"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="fr",
        help_text=_("The language in which funding agreements with it are written."),
    )

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ror"], condition=~models.Q(ror=""), name="unique_institution_ror"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def clean(self):
        super().clean()
        if self.ror:
            self.ror = normalise_ror(self.ror)

    @property
    def ror_url(self):
        return f"https://ror.org/{self.ror}" if self.ror else ""


class Discipline(models.Model):
    """A field of research, shared by reviewers' expertise and applications for matching."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_fr = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("name in English"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")
        ordering = ["name_fr"]

    def __str__(self):
        from django.utils.translation import get_language

        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name_fr
