"""What later apps add to the "My applications" page, without applications importing them.

Dependencies point one way (accounts <- calls <- applications <- ... <- projects): the page
cannot ask projects for the reports a funded project owes. An app that follows an application
further registers a section here from its AppConfig.ready(): a function of the user returning
(template name, context) to include, or None when it has nothing to show. One list, read in
order, as a signal would be but with an answer (a signal's receivers answer too, but a page's
sections are not events)."""

SECTIONS = []


def add_section(section):
    """Register `section(user) -> (template, context) | None`, once."""
    if section not in SECTIONS:
        SECTIONS.append(section)


def sections_for(user):
    """[(template, context)] of the sections that have something to show `user`."""
    return [shown for section in SECTIONS if (shown := section(user)) is not None]
