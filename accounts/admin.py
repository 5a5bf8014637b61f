from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import OperatorAction, User
from accounts.services import user_deactivate, user_operator_update


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """People. Superusers see Django's whole user form; everyone else (the Operators group) sees a form
    without password, staff, superuser, groups or permissions, and cannot change another member of staff
    (nor themselves): an operator can never widen anyone's rights, their own included."""

    list_display = ["username", "email", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["username", "email"]
    actions = ["deactivate_users"]
    operator_fieldsets = (
        (None, {"fields": ("username",)}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Permissions"), {"fields": ("is_active",)}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return self.operator_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ["last_login", "date_joined"]

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or request.user.is_superuser:
            return True
        return not (obj.is_staff or obj.is_superuser)

    def has_add_permission(self, request):
        return request.user.is_superuser  # a new account could be made staff; people sign up themselves

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser  # deactivate instead: orders, shops and the audit log keep them

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    @admin.action(
        description=_("Deactivate: block sign-in, end sessions, tokens and open sockets"), permissions=["change"]
    )
    def deactivate_users(self, request, queryset):
        done = 0
        for user in queryset.order_by("pk"):
            if not self.has_change_permission(request, user):
                self.message_user(request, f"{user}: {_('only a superuser can deactivate staff.')}", messages.ERROR)
                continue
            user_deactivate(user=user, actor=request.user, reason="admin action")
            done += 1
        deactivated = ngettext("%(n)d person deactivated.", "%(n)d people deactivated.", done) % {"n": done}
        self.message_user(request, deactivated, messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        # Through the service: the audit log names the fields, and unticking "active" ends the person's
        # sessions like the deactivate action does.
        user_operator_update(user=obj, operator=request.user, fields=list(form.changed_data))
        return None


@admin.register(OperatorAction)
class OperatorActionAdmin(admin.ModelAdmin):
    """Read-only: the audit log is written by the actions themselves."""

    list_display = ["created_at", "actor", "action", "object_type", "object_repr", "reason"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor__username", "object_id", "object_repr", "reason"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
