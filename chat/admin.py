"""Operators: reported conversations, and their messages read-only (only once reported); photos held for a QR code."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from chat.models import Conversation, HeldPhoto, Message, OfflineNotice, PhotoHold
from chat.services import conversation_report_resolve
from chat.services.photo_holds import held_photo_reject, held_photo_release
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


class PhotoHoldFilter(admin.SimpleListFilter):
    title = _("decision")
    parameter_name = "hold"

    def lookups(self, request, model_admin):
        return [("held", _("waiting")), ("released", _("released")), ("rejected", _("rejected"))]

    def queryset(self, request, queryset):
        return queryset.filter(photo_hold=self.value() or PhotoHold.HELD)

    def choices(self, changelist):
        for value, label in self.lookup_choices:  # "waiting" is the default: no "all" entry
            yield {
                "selected": (self.value() or "held") == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


@admin.register(HeldPhoto)
class HeldPhotoAdmin(admin.ModelAdmin):
    """Photos that carry a QR code (a WeChat or Alipay code takes the deal off the platform): their sender saw
    them, the other side has not. Release delivers; reject keeps them back (the file stays as evidence)."""

    list_display = ["id", "created_at", "conversation", "sender", "sender_role", "preview", "codes", "photo_hold"]
    list_filter = [PhotoHoldFilter]
    list_select_related = ["sender", "conversation"]
    fields = ["conversation", "sender", "sender_role", "created_at", "preview", "codes", "photo_hold", "text"]
    readonly_fields = fields
    actions = ["release", "reject"]
    action_form = ReasonActionForm
    ordering = ["id"]

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(photo_hold=PhotoHold.NONE)

    @admin.display(description=_("photo"))
    def preview(self, obj):
        return format_html('<img src="{}" alt="" style="max-width:160px;max-height:160px">', obj.image.url)

    @admin.display(description=_("codes in the photo"))
    def codes(self, obj):
        return "; ".join(code.get("text", "") for code in obj.photo_codes)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)  # actions only, no edit form

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Release: deliver the selected photos"), permissions=["change"])
    def release(self, request, queryset):
        reason = action_reason(request, "")
        done = [
            held_photo_release(message_id=pk, operator=request.user, reason=reason)
            for pk in queryset.values_list("pk", flat=True)
        ]
        self.message_user(request, _("%(n)s photos released.") % {"n": sum(1 for m in done if m)}, messages.SUCCESS)

    @admin.action(description=_("Reject: keep the selected photos from the other side"), permissions=["change"])
    def reject(self, request, queryset):
        reason = action_reason(request, "")
        done = [
            held_photo_reject(message_id=pk, operator=request.user, reason=reason)
            for pk in queryset.values_list("pk", flat=True)
        ]
        self.message_user(request, _("%(n)s photos rejected.") % {"n": sum(1 for m in done if m)}, messages.SUCCESS)
