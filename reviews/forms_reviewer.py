"""The reviewer's forms: their profile, the answer to an assignment, the review.

The review form only carries what was typed: the rules (scales, half points, what a submitted
review needs) are checked by reviews.reviewing, whose problems come back onto the fields.
"""

from django import forms
from django.conf import settings
from django.db import transaction
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from accounts.models import Discipline, Institution
from applications.forms import ValidNumberInput
from common.forms import DecimalInput

from .models import Recommendation, ReviewerProfile
from .scoring import format_score

# Offered besides the site's own languages: the ones reviewers of the network most often read.
COMMON_LANGUAGES = ("fr", "en", "de", "es", "it")


def language_choices(kept=()):
    """The site's languages, a few common ones, and any already chosen, each named in the
    current language."""
    codes = []
    for code in [*(code for code, _name in settings.LANGUAGES), *COMMON_LANGUAGES, *kept]:
        if code and code not in codes:
            codes.append(code)
    return [(code, language_name(code)) for code in codes]


def language_name(code):
    try:
        return str(get_language_info(code)["name_translated"]).capitalize()
    except KeyError:
        return code


def mark_invalid(form):
    """Bootstrap's invalid style on the fields in error (Django links the error message to the
    field with aria-describedby and sets aria-invalid)."""
    for name, errors in form.errors.items():
        if name in form.fields and errors:
            widget = form.fields[name].widget
            if "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
    return form


class MarksInvalid:
    def is_valid(self):
        valid = super().is_valid()
        mark_invalid(self)
        return valid


class ReviewerProfileForm(MarksInvalid, forms.ModelForm):
    """The reviewer's expertise, languages and maximum load, and their institution (which
    conflicts of interest depend on). The kind of reviewer is set by staff."""

    disciplines = forms.ModelMultipleChoiceField(
        label=_("Disciplines"),
        queryset=Discipline.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you can review in"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    institution = forms.ModelChoiceField(
        label=_("Your institution"),
        queryset=Institution.objects.all(),
        required=False,
        empty_label=_("(none of these)"),
        help_text=_(
            "You are never asked to review an application with a team member from your institution."
        ),
    )

    class Meta:
        model = ReviewerProfile
        fields = ["disciplines", "keywords", "languages", "max_load"]
        widgets = {
            "keywords": forms.TextInput(attrs={"class": "form-control"}),
            "max_load": ValidNumberInput,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["languages"].choices = language_choices(self.instance.languages or ())
        self.fields["institution"].initial = user.institution_id
        self.fields["institution"].widget.attrs["class"] = "form-select"
        self.fields["max_load"].widget.attrs.update({"class": "form-control", "min": 0})

    def save(self, commit=True):
        with transaction.atomic():
            profile = super().save(commit=commit)
            self.user.institution = self.cleaned_data["institution"]
            self.user.save(update_fields=["institution"])
        return profile


class AcceptForm(MarksInvalid, forms.Form):
    prefix = "accept"
    no_conflict = forms.BooleanField(
        label=_(
            "I declare that I have no conflict of interest with this application: no team member "
            "comes from my institution, I am not part of the team, and no personal or "
            "professional tie could bias my judgement."
        ),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        error_messages={
            "required": _("Tick the declaration to accept: it is kept for the minutes.")
        },
    )


class ConflictForm(MarksInvalid, forms.Form):
    prefix = "conflict"
    reason = forms.CharField(
        label=_("What is the conflict of interest?"),
        help_text=_("A few words, kept for the minutes and sent to the programme team."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": _("Describe the conflict of interest in a few words.")},
    )


class DeclineForm(forms.Form):
    prefix = "decline"
    reason = forms.CharField(
        label=_("Why you decline (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class ReviewForm(MarksInvalid, forms.Form):
    """A score and a comment per criterion, the two comments, the recommendation."""

    comment_for_applicant = forms.CharField(
        label=_("Comment for the applicant"),
        help_text=_("The applicant reads it, without your name."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}),
    )
    confidential_comment = forms.CharField(
        label=_("Confidential comment for the council"),
        help_text=_("Read by the scientific council and the programme team only."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )
    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        choices=Recommendation.choices,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, criteria, half_points, review=None, **kwargs):
        if review is not None and not args and "data" not in kwargs:
            kwargs["initial"] = initial_of(review)
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        self.summary_labels = {}  # "Score: …" alone would not say which criterion
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.CharField(
                label=_("Score"),
                help_text=scale_text(criterion, half_points),
                required=False,
                # Text, read by reviews.scoring: a browser set to English turned "3,5" typed
                # in a number input into 35.
                widget=DecimalInput(attrs={"class": "form-control score-input"}),
            )
            self.summary_labels[f"score_{criterion.pk}"] = _("Score on “%(criterion)s”") % {
                "criterion": criterion.name
            }
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on this criterion"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
            )

    def rows(self):
        """(criterion, its score field, its comment field), in the call's order."""
        return [
            (criterion, self[f"score_{criterion.pk}"], self[f"comment_{criterion.pk}"])
            for criterion in self.criteria
        ]

    def service_data(self):
        """What reviews.reviewing expects, from what was typed (scores are parsed there).
        Call after is_valid()."""
        data = self.cleaned_data
        return {
            "scores": {
                criterion.pk: (data[f"score_{criterion.pk}"], data[f"comment_{criterion.pk}"])
                for criterion in self.criteria
            },
            "comment_for_applicant": data["comment_for_applicant"],
            "confidential_comment": data["confidential_comment"],
            "recommendation": data["recommendation"],
        }

    def show_problems(self, problems):
        """Put the service's problems on their fields; returns those that have no field."""
        others = []
        for name, messages in problems.items():
            for message in messages:
                if name in self.fields:
                    self.add_error(name, message)
                else:
                    others.append(message)
        mark_invalid(self)
        return others


def scale_text(criterion, half_points):
    values = {"min": criterion.scale_min, "max": criterion.scale_max}
    if half_points:
        return _("From %(min)s to %(max)s; half points allowed.") % values
    return _("From %(min)s to %(max)s; whole points.") % values


def initial_of(review):
    initial = {
        "comment_for_applicant": review.comment_for_applicant,
        "confidential_comment": review.confidential_comment,
        "recommendation": review.recommendation,
    }
    for row in review.scores.all():
        initial[f"score_{row.criterion_id}"] = format_score(row.score)
        initial[f"comment_{row.criterion_id}"] = row.comment
    return initial
