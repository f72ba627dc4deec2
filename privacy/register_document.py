"""The register as a Markdown document (docs/personal-data.md), for the data protection officer
and the people who run the platform: every processing with all its fields, then each retention
period with its setting, its default and what the retention run removes and keeps.

The document shows the defaults, never the environment's values, so that the file in the
repository is the same wherever it is written; the privacy notice page shows the values in force.
"""

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .register import REGISTER, RETENTION_RULES

COMMAND = "python manage.py personal_data_register --output docs/personal-data.md"


def register_markdown(language="en"):
    """The whole document in `language` ("en" or "fr"), ending with one newline."""
    with translation.override(language):
        lines = [
            "# " + _("Personal data: the register of processing"),
            "",
            "<!-- "
            + _("Written by `%(command)s`: edit privacy/register.py, then run it again.")
            % {"command": COMMAND}
            + " -->",
            "",
            _(
                "What the platform holds about people, why, on which basis, where and for how "
                "long (article 30 of the GDPR). The privacy notice page lists the same processing "
                "for the people concerned, with the periods in force."
            ),
            "",
            "## " + _("Processing"),
            "",
        ]
        for processing in REGISTER:
            lines += processing_section(processing)
        lines += retention_section()
    return "\n".join(lines).rstrip("\n") + "\n"


def processing_section(processing):
    where = ", ".join(f"`{place}`" for place in processing.where)
    separator = pgettext("label separator", ":")
    kept = [
        f"{rule.name}{separator} {rule.in_words(rule.default_period)} (`{rule.setting}`)"
        for rule in processing.retention_rules
    ]
    if processing.retention_note:
        kept.append(str(processing.retention_note))
    lines = [
        f"### {processing.name}",
        "",
        field(_("People concerned"), processing.people),
        field(_("Data"), processing.data),
        field(_("Purpose"), processing.purpose),
        field(_("Legal basis"), processing.basis),
        field(_("Where"), where),
        field(_("Recipients"), processing.recipients),
        field(_("Kept for"), kept[0] if len(kept) == 1 else ""),
    ]
    if len(kept) > 1:
        lines += [f"  - {item}" for item in kept]
    return [*lines, ""]


def retention_section():
    lines = [
        "## " + _("Retention periods"),
        "",
        _(
            "Each period is a setting, `PERSONAL_DATA_RETENTION` in config/settings/base.py, "
            "read from the environment variable named below. Every night the retention run "
            "anonymises what is past its period, except the dossiers on hold."
        ),
        "",
        "| {} | {} | {} | {} |".format(
            _("Rule"), _("Setting"), _("Environment variable"), _("Default")
        ),
        "| --- | --- | --- | --- |",
    ]
    for rule in RETENTION_RULES.values():
        lines.append(
            f"| {rule.name} | `{rule.setting}` | `{rule.environment_variable}` "
            f"| {rule.period_in_words(rule.default_period)} |"
        )
    lines.append("")
    for rule in RETENTION_RULES.values():
        lines += [
            f"### {rule.name}",
            "",
            field(_("Period"), rule.in_words(rule.default_period)),
            field(_("Removes"), rule.removes),
            field(_("Keeps"), rule.keeps),
            "",
        ]
    return lines


def field(label, value):
    separator = pgettext("label separator", ":")
    text = str(value)
    return f"- **{label}{separator}** {text[:1].upper()}{text[1:]}".rstrip()
