"""What later apps add to a labelled collection's public page, without labels importing them.

Dependencies point one way: the registry sits low, and the funded projects and their
deliverables that used a collection are the reports app's to read. An app registers, from its
AppConfig.ready(), a function of the collection returning (template name, context) to include on
the page, or None when it has nothing to show (as applications.my_page does for the applicant's
page). Only what is public may be returned: the page is anyone's.
"""

RELATED = []


def add_related(related):
    """Register `related(collection) -> (template, context) | None`, once."""
    if related not in RELATED:
        RELATED.append(related)


def related_to(collection):
    """[(template, context)] of the sections that have something to show about `collection`."""
    return [shown for related in RELATED if (shown := related(collection)) is not None]
