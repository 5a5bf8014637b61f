from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import DomainError
from shops.decorators import seller_required
from shops.forms import ShopForm, StaffForm
from shops.models import ShopMember
from shops.services import shop_staff_add, shop_update


@seller_required
def shop_settings(request):
    shop = request.shop
    initial = {f: getattr(shop, f) for f in ("name", "description", "province", "city", "village", "contact")}
    form = ShopForm(request.POST or None, request.FILES or None, initial=initial, prefix="shop")
    staff_form = StaffForm(prefix="staff")
    if request.method == "POST" and "staff-username" in request.POST:
        staff_form = StaffForm(request.POST, prefix="staff")
        form = ShopForm(initial=initial, prefix="shop")
        if staff_form.is_valid() and request.shop_role == ShopMember.Role.OWNER:
            person = User.objects.filter(username__iexact=staff_form.cleaned_data["username"]).first()
            if person is None:
                staff_form.add_error("username", _("No such user."))
            else:
                try:
                    shop_staff_add(shop=shop, user=person)
                except DomainError as exc:
                    staff_form.add_error("username", next(iter(exc.fields.values()))[0])
                else:
                    messages.success(request, _("%(name)s can now help run the shop.") % {"name": person.username})
                    return redirect("seller:shop-settings")
    elif request.method == "POST" and form.is_valid():
        try:
            shop_update(shop=shop, **form.cleaned_data)
        except DomainError as exc:
            for field, errors in (exc.fields or {None: [exc.message]}).items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Shop settings saved."))
            return redirect("seller:shop-settings")
    return render(
        request,
        "shops/seller/settings.html",
        {
            "form": form,
            "staff_form": staff_form,
            "members": shop.members.select_related("user"),
            "is_owner": request.shop_role == ShopMember.Role.OWNER,
            "seller_section": "settings",
        },
    )
