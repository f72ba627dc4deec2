"""The site itself: the network's settings, the home page, the editorial pages and the privacy
notice."""

from wagtail.models import Site

from cms.models import HomePage, NetworkSettings, StandardPage
from privacy.models import PrivacyNoticePage

from .facts import block_id, paragraph
from .publishing import publish


def load_network_settings(network):
    site = Site.objects.get(is_default_site=True)
    settings = NetworkSettings.for_site(site)
    settings.name = network["name"]
    settings.tagline_fr = network["kind_fr"]
    settings.tagline_en = network["kind_en"]
    settings.contact_email = network["contact_email"]
    settings.full_clean()
    settings.save()
    return settings


def load_home_page(site_facts):
    home = HomePage.objects.get()
    home.intro_fr = paragraph(site_facts["home_intro_fr"])
    home.intro_en = paragraph(site_facts["home_intro_en"])
    home.save()
    publish(home)
    return home


def load_standard_pages(home, pages):
    """The editorial pages under the home page, found again by their slug."""
    loaded = []
    for facts in pages:
        page = StandardPage.objects.child_of(home).filter(slug=facts["slug"]).first()
        is_new = page is None
        if is_new:
            page = StandardPage(slug=facts["slug"])
        page.title = facts["fr"]
        page.title_en = facts["en"]
        page.show_in_menus = facts.get("in_menu", False)
        page.body = body(facts["slug"], "fr", facts["body_fr"])
        page.body_en = body(facts["slug"], "en", facts["body_en"])
        if is_new:
            home.add_child(instance=page)
        else:
            page.save()
        publish(page)
        loaded.append(page)
    return loaded


def body(slug, language, paragraphs):
    return [
        {"type": "paragraph", "value": paragraph(text), "id": block_id(slug, language, index)}
        for index, text in enumerate(paragraphs)
    ]


def load_privacy_notice(home, facts):
    """The privacy notice under the home page (there is only one), its introduction from the
    demo's facts; the page itself lists the register's processing."""
    page = PrivacyNoticePage.objects.first()
    is_new = page is None
    if is_new:
        page = PrivacyNoticePage(slug=facts["slug"])
    page.title = facts["fr"]
    page.title_en = facts["en"]
    page.intro_fr = notice_blocks("fr", facts["intro_fr"])
    page.intro_en = notice_blocks("en", facts["intro_en"])
    if is_new:
        home.add_child(instance=page)
    else:
        page.save()
    publish(page)
    return page


def notice_blocks(language, items):
    """Headings, plain paragraphs ("text", escaped) and rich text as an editor types it ("html")."""
    blocks = []
    for index, item in enumerate(items):
        [(kind, value)] = item.items()
        if kind == "heading":
            block = {"type": "heading", "value": {"text": value, "level": "h2"}}
        else:
            block = {"type": "paragraph", "value": paragraph(value) if kind == "text" else value}
        blocks.append({**block, "id": block_id("privacy-notice", language, index)})
    return blocks
