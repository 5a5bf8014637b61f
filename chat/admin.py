"""Operators: reported conversations, and their messages read-only (only once reported)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from chat.models import Conversation, Message, OfflineNotice
from chat.services import conversation_report_resolve
from common.admin import ReasonActionForm, action_reason


class MessageInline(admin.TabularInline):
    model = Message
    fields = ["id", "created_at", "sender", "sender_role", "text", "product", "image"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    ordering = ["id"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["id", "buyer", "shop", "last_message_at", "reported", "reported_at"]
    list_filter = ["reported"]
    search_fields = ["buyer__username", "shop__name", "shop__slug"]
    list_select_related = ["buyer", "shop"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "buyer",
        "shop",
        "product",
        "last_message",
        "last_message_at",
        "buyer_last_read_id",
        "shop_last_read_id",
        "buyer_unread",
        "shop_unread",
        "reported",
        "report_reason",
        "reported_by",
        "reported_at",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields
    actions = ["resolve_reports"]
    action_form = ReasonActionForm

    def get_inlines(self, request, obj):
        # Private conversations stay private: operators read messages once a participant reports them.
        if obj is not None and (obj.reported or request.user.is_superuser):
            return [MessageInline]
        return []

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Mark the selected reports as dealt with"))
    def resolve_reports(self, request, queryset):
        for conversation_id in queryset.filter(reported=True).values_list("pk", flat=True):
            conversation_report_resolve(
                conversation_id=conversation_id, operator=request.user, reason=action_reason(request, "")
            )
        self.message_user(request, _("Reports resolved."), messages.SUCCESS)


@admin.register(OfflineNotice)
class OfflineNoticeAdmin(admin.ModelAdmin):
    list_display = ["id", "conversation", "recipient_role", "first_message", "sent_at"]
    readonly_fields = [
        "conversation",
        "recipient_role",
        "first_message",
        "claimed_at",
        "sent_at",
        "recipients",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False
