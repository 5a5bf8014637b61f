"""Public shop pages: the shopfront, opening a shop, following one, answering a staff invitation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from common.errors import DomainError, NotFound
from common.fragments import fragment
from common.http import page_number
from shops.access import access_my_invitation, access_public_shop
from shops.forms import ShopForm
from shops.models import ShopMember
from shops.page_parts import SHOPFRONT
from shops.selectors import staff_invitations_for_user
from shops.services import shop_create, shop_follow_toggle, staff_invitation_accept, staff_invitation_decline
from shops.visits import shop_visit_record

SHOP_SORTS = {
    "-sales": gettext_lazy("Best selling"),
    "-created": gettext_lazy("Newest"),
    "price": gettext_lazy("Price ↑"),
    "-price": gettext_lazy("Price ↓"),
}


def shopfront(request, slug):
    try:
        shop = access_public_shop(user=request.user, slug=slug)
    except NotFound as exc:
        raise Http404 from exc
    if shop.is_public:
        shop_visit_record(shop_id=shop.pk, request=request)
    sort = request.GET.get("sort") if request.GET.get("sort") in SHOP_SORTS else "-sales"
    category = request.GET.get("category")
    category_id = int(category) if category and category.isdigit() and len(category) < 10 else None
    page = page_number(request.GET.get("page"))

    params = {"shop": shop, "sort": sort, "category_id": category_id, "page": page}
    # The products (catalog) and the scores beside the peers' (orders); versions read for the cache only.
    part_versions = SHOPFRONT.versions(**params) if shop.is_public else None

    def main_context() -> dict:
        return {
            "shop": shop,
            "sort": sort,
            "sorts": SHOP_SORTS,
            "category_id": category_id,
            **SHOPFRONT.context(versions=part_versions, **params),
        }

    if shop.is_public:
        # The shop's scores are written without touching updated_at: they are part of the version.
        version = (
            shop.pk,
            shop.updated_at,
            shop.rating,
            shop.review_count,
            shop.score_as_described,
            shop.score_communication,
            shop.score_shipping,
            tuple(part_versions.items()),
            sort,
            category_id,
            page,
        )
        main = fragment(name="shop", version=version, template="shops/_shopfront_main.html", context=main_context)
    else:
        main = render_to_string("shops/_shopfront_main.html", main_context())
    context = {
        "shop": shop,
        "main": main,
        "following": request.user.is_authenticated and shop.follows.filter(user=request.user).exists(),
    }
    return render(request, "shops/shopfront.html", context)


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
