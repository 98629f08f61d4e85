from django.conf import settings


def clinic(request):
    """The clinic's name, address, phone and hours, for the header and footer of every page,
    and which page this is (`nav`: its app and URL name), for the menu's current item."""
    match = getattr(request, "resolver_match", None)
    nav = (match.app_name, match.url_name) if match is not None else ("", None)
    return {"clinic": settings.CLINIC, "site_url": settings.SITE_URL, "nav": nav}
