"""Operators: the queue of muted senders (unreviewed first) and every masked message with its original."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from safety.models import ChatMute, ContactStrike
from safety.services import chat_mute_review


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ContactStrike)
class ContactStrikeAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "user", "source", "source_id", "kinds", "masked_text"]
    list_filter = ["source"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    fields = ["user", "source", "source_id", "kinds", "original_text", "masked_text", "created_at"]
    readonly_fields = fields


@admin.register(ChatMute)
class ChatMuteAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "until", "source", "source_id", "reason", "reviewed_at", "reviewed_by"]
    list_filter = [("reviewed_at", admin.EmptyFieldListFilter), "source"]
    search_fields = ["user__username"]
    list_select_related = ["user", "reviewed_by"]
    ordering = ["reviewed_at", "-created_at"]
    fields = ["user", "until", "reason", "source", "source_id", "reviewed_at", "reviewed_by", "created_at"]
    readonly_fields = fields
    actions = ["keep_mute", "lift_mute"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Reviewed: keep the mute"), permissions=["change"])
    def keep_mute(self, request, queryset):
        for mute in queryset:
            chat_mute_review(mute_id=mute.pk, operator=request.user, lift=False)
        self.message_user(request, _("The mutes stay; they left the queue."), messages.SUCCESS)

    @admin.action(description=_("Reviewed: lift the mute"), permissions=["change"])
    def lift_mute(self, request, queryset):
        for mute in queryset:
            chat_mute_review(mute_id=mute.pk, operator=request.user, lift=True)
        self.message_user(request, _("The mutes were lifted."), messages.SUCCESS)
