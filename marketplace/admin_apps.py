from django.contrib.admin.apps import AdminConfig


class MarketplaceAdminConfig(AdminConfig):
    """Django admin with the operators' dashboard as its front page."""

    default_site = "marketplace.admin_site.MarketplaceAdminSite"
