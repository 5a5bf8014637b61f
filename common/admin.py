"""Admin helpers shared by every app's operator console."""

from django import forms
from django.contrib.admin.helpers import ActionForm
from django.utils.translation import gettext_lazy as _


class ReasonActionForm(ActionForm):
    """The admin action bar with a reason: the seller sees it and the audit log keeps it."""

    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("reason (shown to the seller)"), "size": 40}),
    )


def action_reason(request, default: str) -> str:
    return (request.POST.get("reason") or "").strip()[:300] or default
