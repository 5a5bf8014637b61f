"""Operators: shows (live first), ending a show with a reason, barring a shop from going live, and
reported room messages. Every action goes through a live service that writes the audit entry."""

from django.contrib import admin, messages
from django.db.models import Case, IntegerField, Value, When
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from common.admin import ReasonActionForm, action_reason
from live.models import LiveBar, RoomMessage, Show, ShowStatus
from live.services.room import room_message_hide
from live.services.show_stats import show_statistics
from live.services.shows import shop_live_bar, shop_live_unbar, show_end


@admin.register(Show)
class ShowAdmin(admin.ModelAdmin):
    list_display = ["title", "shop", "status", "starts_at", "started_at", "ended_at", "likes", "peak_viewers"]
    list_filter = ["status", "ended_by_operator"]
    search_fields = ["title", "shop__name", "shop__slug", "public_id"]
    list_select_related = ["shop"]
    # The stream key is the seller's secret: operators never see it.
    exclude = ["stream_key", "publishing_key", "products"]
    readonly_fields = [
        "shop",
        "status",
        "public_id",
        "publisher_addr",
        "started_at",
        "ended_at",
        "end_reason",
        "ended_by_operator",
        "likes",
        "peak_viewers",
        "replay",
        "replay_duration",
        "replay_error",
        "created_at",
        "updated_at",
        "statistics",
    ]
    action_form = ReasonActionForm
    actions = ["end_shows", "bar_shops", "unbar_shops"]

    def get_queryset(self, request):
        live_first = Case(
            When(status=ShowStatus.LIVE, then=Value(0)),
            When(status=ShowStatus.SCHEDULED, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        return super().get_queryset(request).annotate(live_first=live_first).order_by("live_first", "-starts_at")

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("Statistics"))
    def statistics(self, show):
        """The seller's figures of the show (viewers, likes, messages, attributed orders and sales, pinned
        products, the parts' rows), read-only."""
        if show is None or show.pk is None:
            return "—"
        return render_to_string("live/_stats.html", {"stats": show_statistics(show=show)})

    def _reason(self, request) -> str | None:
        reason = action_reason(request, "")
        if not reason:
            self.message_user(request, _("Give a reason (the field next to the action)."), messages.ERROR)
            return None
        return reason

    @admin.action(description=_("End selected shows now (give the reason the seller sees)"), permissions=["change"])
    def end_shows(self, request, queryset):
        reason = self._reason(request)
        if reason is None:
            return
        for show_id in queryset.exclude(status=ShowStatus.ENDED).values_list("pk", flat=True):
            show_end(show_id=show_id, reason=reason, operator=request.user)
        self.message_user(request, _("Ended. nginx drops their streams within seconds."))

    @admin.action(description=_("Bar these shows' shops from going live (give the reason)"), permissions=["change"])
    def bar_shops(self, request, queryset):
        reason = self._reason(request)
        if reason is None:
            return
        for show in queryset.select_related("shop"):
            shop_live_bar(shop=show.shop, reason=reason, operator=request.user)
        self.message_user(request, _("Barred from going live."))

    @admin.action(description=_("Let these shows' shops go live again"), permissions=["change"])
    def unbar_shops(self, request, queryset):
        for show in queryset.select_related("shop"):
            shop_live_unbar(shop=show.shop, operator=request.user)
        self.message_user(request, _("They may go live again."))


@admin.register(LiveBar)
class LiveBarAdmin(admin.ModelAdmin):
    list_display = ["shop", "reason", "barred_by", "created_at"]
    readonly_fields = ["shop", "reason", "barred_by", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # lifted with the shows' "let go live again" action (audited)


@admin.register(RoomMessage)
class RoomMessageAdmin(admin.ModelAdmin):
    """Room messages viewers reported (the filter "reported" first), read-only; take one down."""

    list_display = ["text", "sender", "show", "created_at", "reported_at", "report_reason", "hidden"]
    list_filter = [("reported_at", admin.EmptyFieldListFilter), "hidden"]
    search_fields = ["text", "sender__username", "show__title"]
    list_select_related = ["sender", "show"]
    readonly_fields = [f.name for f in RoomMessage._meta.fields]
    actions = ["hide_messages"]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-reported_at", "-id")

    @admin.action(description=_("Take the selected messages down from their rooms"), permissions=["change"])
    def hide_messages(self, request, queryset):
        for message in queryset.select_related("show"):
            room_message_hide(show=message.show, message_id=message.pk)
        self.message_user(request, _("Taken down."))
