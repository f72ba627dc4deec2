"""Rule names (django-rules) and raw model permissions cannot be confused: no rule is named like a
permission a model declares, its own (`reviews.view_ranking`, which makes a council member) or
Django's (`applications.view_application`)."""

import re

import rules
from django.apps import apps

# Verbs that say the same thing: a rule "see_x" beside a permission "view_x" is one slip away.
LOOKING = re.compile(r"^(see|view|read)_")


def raw_permissions():
    """Every "app_label.codename" a model declares, Django's defaults included."""
    names = set()
    for model in apps.get_models():
        meta = model._meta
        names |= {
            f"{meta.app_label}.{action}_{meta.model_name}" for action in meta.default_permissions
        }
        names |= {f"{meta.app_label}.{codename}" for codename, _label in meta.permissions}
    return names


def looks_like(name):
    """The name with a verb of looking taken away: "reviews.see_ranking" -> "reviews.ranking"."""
    app_label, codename = name.split(".", 1)
    return f"{app_label}.{LOOKING.sub('', codename)}"


def test_no_rule_is_named_like_a_raw_permission():
    raw = raw_permissions()
    assert "reviews.view_ranking" in raw
    nearly = {looks_like(name) for name in raw}
    rule_names = [name for name in rules.permissions.permissions if "." in name]
    assert len(rule_names) > 20
    clashes = [name for name in rule_names if name in raw or looks_like(name) in nearly]
    assert clashes == []


def test_the_near_check_catches_the_old_names():
    """The rules were once `reviews.see_ranking` and `decisions.see_decisions`."""
    nearly = {looks_like(name) for name in raw_permissions()}
    assert looks_like("reviews.see_ranking") in nearly
    assert looks_like("decisions.see_decisions") in nearly
