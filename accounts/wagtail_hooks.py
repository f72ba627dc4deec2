from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Discipline, Institution


class InstitutionViewSet(SnippetViewSet):
    model = Institution
    icon = "group"
    menu_label = _("Institutions")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "acronym", "kind", "city", "ror"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym", "city", "ror"]


register_snippet(InstitutionViewSet)


class DisciplineViewSet(SnippetViewSet):
    model = Discipline
    icon = "tag"
    menu_label = _("Disciplines")
    menu_order = 211
    add_to_admin_menu = True
    list_display = ["name_fr", "name_en", "code"]
    search_fields = ["name_fr", "name_en", "code"]


register_snippet(DisciplineViewSet)
