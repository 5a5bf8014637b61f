from django.conf import settings


def site(request):
    return {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL}


def navigation(request):
    """Header badges. Each app adds its count here through its own selector."""
    context: dict = {}
    return context
