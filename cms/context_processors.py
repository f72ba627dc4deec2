from wagtail.models import Site


def site_navigation(request):
    """The pages shown in the main menu: the home page's live children marked "show in menus"."""

    def menu_pages():
        site = Site.find_for_request(request)
        if site is None:
            return []
        return list(site.root_page.get_children().live().in_menu().specific())

    return {"menu_pages": menu_pages}
