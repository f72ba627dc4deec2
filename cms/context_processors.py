from django.utils.functional import SimpleLazyObject
from wagtail.models import Site


def site_navigation(request):
    """The home page's live children: those marked "show in menus" in the header, all in the footer.

    Fetched once, and only by a template that uses them.
    """

    def site_pages():
        site = Site.find_for_request(request)
        if site is None:
            return []
        return list(site.root_page.get_children().live().specific())

    pages = SimpleLazyObject(site_pages)
    return {
        "menu_pages": SimpleLazyObject(lambda: [page for page in pages if page.show_in_menus]),
        "footer_pages": pages,
    }
