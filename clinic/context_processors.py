from django.conf import settings


def clinic(request):
    """The clinic's name, address, phone and hours, for the header and footer of every page."""
    return {"clinic": settings.CLINIC, "site_url": settings.SITE_URL}
