from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import OperatorAction, User
from accounts.services import user_deactivate, user_sessions_end


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["username", "email"]
    actions = ["deactivate_users"]

    @admin.action(description="Deactivate: block sign-in, end sessions, tokens and open sockets")
    def deactivate_users(self, request, queryset):
        for user in queryset:
            user_deactivate(user=user, actor=request.user, reason="admin action")
        self.message_user(request, f"{queryset.count()} deactivated.", messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Unticking "active" in the form ends the person's sessions like the action does.
        if change and "is_active" in form.changed_data and not obj.is_active:
            user_sessions_end(user=obj)


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
