"""Seller-center pages of the shops app: shop settings and staff (子账号), both the owner's."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import DomainError
from shops.access import OWNER, access_shop_invitation, access_staff_member
from shops.decorators import seller_required
from shops.forms import ShopForm, StaffInviteForm
from shops.selectors import staff_invitations_open, staff_members
from shops.services import (
    shop_review_request,
    shop_update,
    staff_invitation_revoke,
    staff_invite,
    staff_leave,
    staff_remove,
)


def _form_errors(form, exc: DomainError, *, default_field: str | None = None) -> None:
    for field, errors in (exc.fields or {default_field: [exc.message]}).items():
        for error in errors:
            form.add_error(field if field in form.fields else default_field, error)


@seller_required(role=OWNER)
def shop_settings(request):
    shop = request.shop
    initial = {f: getattr(shop, f) for f in ("name", "description", "province", "city", "village", "contact")}
    form = ShopForm(request.POST or None, request.FILES or None, initial=initial, prefix="shop")
    if request.method == "POST" and form.is_valid():
        try:
            shop_update(shop=shop, **form.cleaned_data)
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Shop settings saved."))
            return redirect("seller:shop-settings")
    return render(request, "shops/seller/settings.html", {"form": form, "seller_section": "settings"})


@seller_required(role=OWNER)
@require_POST
def shop_review_request_page(request):
    """The owner of a suspended shop asks an operator to look again."""
    try:
        shop_review_request(shop=request.shop, note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, (exc.fields and next(iter(exc.fields.values()))[0]) or exc.message)
    else:
        messages.success(request, _("Review requested: an operator will look at your shop."))
    return redirect("seller:shop-settings")


@seller_required(role=OWNER)
def staff_page(request):
    """The shop's people: members, open invitations, and the invitation form."""
    form = StaffInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = staff_invite(shop=request.shop, invited_by=request.user, who=form.cleaned_data["user"])
        except DomainError as exc:
            _form_errors(form, exc, default_field="user")
        else:
            messages.success(
                request,
                _("Invitation sent to %(name)s. They become staff once they accept it.")
                % {"name": invitation.user.username},
            )
            return redirect("seller:staff")
    return render(
        request,
        "shops/seller/staff.html",
        {
            "form": form,
            "members": staff_members(shop_id=request.shop.id),
            "invitations": staff_invitations_open(shop_id=request.shop.id),
            "seller_section": "staff",
        },
    )


@seller_required(role=OWNER)
@require_POST
def staff_member_remove(request, member_id):
    member = access_staff_member(user=request.user, member_id=member_id)
    try:
        staff_remove(member_id=member.pk, shop=request.shop)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s no longer works for your shop.") % {"name": member.user.username})
    return redirect("seller:staff")


@seller_required(role=OWNER)
@require_POST
def staff_invitation_withdraw(request, invitation_id):
    invitation = access_shop_invitation(user=request.user, invitation_id=invitation_id)
    try:
        staff_invitation_revoke(invitation_id=invitation.pk, shop=request.shop)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Invitation to %(name)s withdrawn.") % {"name": invitation.user.username})
    return redirect("seller:staff")


@seller_required
@require_POST
def staff_leave_page(request):
    """A member of staff stops working for the shop; the owner is told they cannot."""
    try:
        staff_leave(user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("seller:dashboard")
    messages.success(request, _("You no longer work for %(shop)s.") % {"shop": request.shop.name})
    return redirect("home")
