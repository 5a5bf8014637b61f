from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import DomainError, NotFound
from shops.access import access_my_invitation, access_public_shop
from shops.forms import ShopForm
from shops.models import ShopMember
from shops.selectors import staff_invitations_for_user
from shops.services import shop_create, shop_follow_toggle, staff_invitation_accept, staff_invitation_decline


@login_required
def shop_open(request):
    if ShopMember.objects.filter(user=request.user).exists():
        return redirect("seller:dashboard")
    form = ShopForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("logo", "banner")}
        try:
            shop_create(owner=request.user, logo=form.cleaned_data["logo"], banner=form.cleaned_data["banner"], **data)
        except DomainError as exc:
            for field, errors in (exc.fields or {None: [exc.message]}).items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Your shop is open for preparation. An operator will approve it shortly."))
            return redirect("seller:dashboard")
    return render(
        request, "shops/open.html", {"form": form, "invitations": staff_invitations_for_user(user=request.user)}
    )


@login_required
@require_POST
def shop_follow(request, slug):
    shop = access_public_shop(user=request.user, slug=slug)
    following = shop_follow_toggle(shop=shop, user=request.user)
    messages.success(
        request,
        _("You follow %(shop)s.") % {"shop": shop.name}
        if following
        else _("You no longer follow %(shop)s.") % {"shop": shop.name},
    )
    return redirect("shop", slug=shop.slug)


@login_required
def staff_invitations(request):
    """Invitations to work for a shop waiting for the signed-in person's answer."""
    return render(
        request,
        "shops/invitations.html",
        {"invitations": staff_invitations_for_user(user=request.user), "works_for_a_shop": _works_for_a_shop(request)},
    )


def _works_for_a_shop(request) -> bool:
    return ShopMember.objects.filter(user=request.user).exists()


@login_required
@require_POST
def staff_invitation_answer(request, invitation_id, answer):
    if answer not in {"accept", "decline"}:
        raise NotFound()
    invitation = access_my_invitation(user=request.user, invitation_id=invitation_id)
    try:
        if answer == "accept":
            staff_invitation_accept(invitation_id=invitation.pk, user=request.user)
        else:
            staff_invitation_decline(invitation_id=invitation.pk, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("shops:invitations")
    if answer == "accept":
        messages.success(request, _("You now work for %(shop)s.") % {"shop": invitation.shop.name})
        return redirect("seller:dashboard")
    messages.success(request, _("Invitation from %(shop)s declined.") % {"shop": invitation.shop.name})
    return redirect("shops:invitations")
