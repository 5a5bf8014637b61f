"""The Operators group: what the platform's staff may do in the operator console (Django admin).

Composed here, at the top, because it names every app's models. The group's permissions are defined in
code and set after every `migrate` (post_migrate, connected in MarketplaceConfig.ready()), so a new
model's permissions reach operators with the migration that adds it, and nobody widens the group by hand
without it showing in review.

Operators get the marketplace's own apps, with these limits:
- in `accounts`, only to see people and the audit log and to change a person's ordinary fields (the
  user admin shows non-superusers no permissions, groups, staff or superuser fields, and no password
  form): never to add or delete people, or to write the audit log (services write it);
- Django's `auth` (groups and permissions) and `authtoken` stay with superusers;
- the task schedule (`django_celery_beat`: a periodic task can run any task with any arguments) and the
  notifications people receive are only seen, not written, by operators.
"""

from __future__ import annotations

from django.db import transaction

OPERATORS_GROUP = "Operators"
OPERATOR_APPS = [
    "accounts",
    "safety",
    "shops",
    "catalog",
    "orders",
    "payments",
    "chat",
    "offers",
    "live",
    "deals",
    "tips",
    "notifications",
    "django_celery_beat",
]
# In `accounts` the group gets only these (by codename); `view_*` of any other accounts model too.
ACCOUNTS_ALLOWED = {"view_user", "change_user", "view_operatoraction"}
VIEW_ONLY_APPS = ["django_celery_beat", "notifications"]


def operator_permissions():
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    viewing = Q(codename__startswith="view_")
    accounts = Q(content_type__app_label="accounts") & (Q(codename__in=ACCOUNTS_ALLOWED) | viewing)
    view_only = Q(content_type__app_label__in=VIEW_ONLY_APPS) & viewing
    full = [app for app in OPERATOR_APPS if app != "accounts" and app not in VIEW_ONLY_APPS]
    return Permission.objects.filter(accounts | view_only | Q(content_type__app_label__in=full))


@transaction.atomic
def operators_group_ensure():
    """Creates the Operators group if needed and sets its permissions to exactly the ones above."""
    from django.contrib.auth.models import Group

    group, _created = Group.objects.get_or_create(name=OPERATORS_GROUP)
    group.permissions.set(operator_permissions())
    return group


def operators_group_after_migrate(sender, *, using: str = "default", apps=None, **kwargs) -> None:
    """post_migrate is sent once per app with models; act on the last one, when every app's permissions
    exist (Django's auth creates them on the same signal, app by app)."""
    from django.apps import apps as installed

    last = [config for config in installed.get_app_configs() if config.models_module is not None][-1]
    if sender.label != last.label or using != "default":
        return
    operators_group_ensure()
