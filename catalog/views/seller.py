"""Seller-center pages for products: list with inline stock and price, the product form, status changes."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from catalog.access import access_seller_image, access_seller_product, access_seller_sku
from catalog.forms import NewSkuFormSet, ProductForm, SkuFormSet, SpecForm
from catalog.models import Product
from catalog.selectors import product_detail, products_for_seller
from catalog.services import (
    product_create,
    product_image_delete,
    product_images_reorder,
    product_review_request,
    product_set_status,
    product_update,
    products_bulk_set_status,
    products_bulk_set_stock,
    sku_update,
    spec_combinations,
)
from common.errors import DomainError, InvalidState, ValidationFailed
from common.http import redirect_back
from shops.decorators import seller_required


def _apply_errors(form, formset, exc: DomainError) -> None:
    for field, errors in (exc.fields or {"__all__": [exc.message]}).items():
        for error in errors:
            if field in form.fields:
                form.add_error(field, error)
            else:
                form.add_error(None, error)


@seller_required
def product_list_page(request):
    status = request.GET.get("status") if request.GET.get("status") in Product.Status.values else None
    low_stock = request.GET.get("stock") == "low"
    products = products_for_seller(
        shop_id=request.shop.id, status=status, q=(request.GET.get("q") or "")[:100], low_stock=low_stock
    )
    page = Paginator(products, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/seller/product_list.html",
        {
            "page": page,
            "status": status,
            "low_stock": low_stock,
            "statuses": Product.Status.choices,
            "seller_section": "products",
        },
    )


@seller_required
def product_form_page(request, product_id=None):
    product = access_seller_product(user=request.user, product_id=product_id) if product_id else None
    if product is not None:
        product = product_detail(product=product)
    spec_form = SpecForm(prefix="spec")
    if request.method == "POST" and "generate_skus" in request.POST:
        form, formset, spec_form = _with_generated_skus(request)
    elif request.method == "POST":
        form = ProductForm(request.POST, request.FILES)
        formset = SkuFormSet(request.POST, prefix="sku")
        if form.is_valid() and formset.is_valid():
            if request.shop.status == request.shop.Status.SUSPENDED:
                messages.error(request, _("Your shop is suspended: products cannot be changed."))
                return redirect("seller:products")
            data = form.cleaned_data
            skus = [row for row in formset.cleaned_data if row and row.get("name")]  # prices as the form's Decimals
            fields = {k: data[k] for k in ("title", "description", "category", "province", "city", "village")}
            status = Product.Status.ACTIVE if data["publish"] else Product.Status.DRAFT
            if product is not None and product.moderation:
                status = None  # held by the platform: edits are saved, the status stays (ask for a review)
            try:
                with transaction.atomic():
                    if product is None:
                        product = _create(request, fields, skus, status, data["photos"])
                    else:
                        product = _update(product, fields, skus, status, data["photos"])
            except DomainError as exc:
                _apply_errors(form, formset, exc)
            else:
                messages.success(request, _("Saved “%(title)s”.") % {"title": product.title})
                return redirect("seller:product-edit", product_id=product.id)
        messages.error(request, _("Not saved: fix what is marked below."))
    else:
        form = ProductForm(initial=_initial(product, request.shop))
        formset = _sku_formset(
            [{"id": s.id, "name": s.name, "price": s.price, "stock": s.stock} for s in product.skus.all()]
            if product
            else []
        )
    return render(
        request,
        "catalog/seller/product_form.html",
        {
            "form": form,
            "formset": formset,
            "spec_form": spec_form,
            "product": product,
            "seller_section": "products",
        },
    )


def _sku_formset(rows: list[dict]):
    """Rows to edit, then empty ones: three for a product without SKUs yet, one otherwise."""
    return (SkuFormSet if rows else NewSkuFormSet)(prefix="sku", initial=rows or None)


def _posted_sku_rows(data) -> list[dict]:
    """The SKU rows as typed (before validation), the filled ones only."""
    try:
        total = min(int(data.get("sku-TOTAL_FORMS", 0)), 50)
    except ValueError:
        total = 0
    rows = []
    for i in range(total):
        row = {key: data.get(f"sku-{i}-{key}", "") for key in ("id", "name", "price", "stock", "delete")}
        if row["name"].strip():
            rows.append({key: value for key, value in row.items() if value})
    return rows


def _with_generated_skus(request):
    """The "generate SKUs" button: the form again, with a row for each combination of the spec (rows already
    there are kept; nothing is saved). Photos chosen before must be chosen again: a page cannot keep them."""
    spec_form = SpecForm(request.POST, prefix="spec")
    spec_form.is_valid()
    spec = spec_form.cleaned_data if spec_form.is_valid() else {}
    rows = _posted_sku_rows(request.POST)
    try:
        names = spec_combinations(first=spec.get("first", ""), second=spec.get("second", ""))
    except ValidationFailed as exc:
        spec_form.add_error("first", next(iter(exc.fields.values()))[0])
        names = []
    have = {row["name"] for row in rows}
    rows += [
        {"name": name, "price": spec.get("price", ""), "stock": spec.get("stock", "")}
        for name in names
        if name not in have
    ][: max(0, 50 - len(rows))]
    initial = {key: request.POST.get(key, "") for key in ("title", "description", "province", "city", "village")}
    initial["category"] = request.POST.get("category") or None
    initial["publish"] = bool(request.POST.get("publish"))
    if request.FILES:
        messages.info(request, _("SKUs generated. Choose the photos again before you save."))
    return ProductForm(initial=initial), _sku_formset(rows), spec_form


@seller_required
@require_POST
def product_bulk(request):
    """The product list's bulk actions (publish, delist, set stock) on the ticked products."""
    action = request.POST.get("action")
    product_ids = request.POST.getlist("products")
    try:
        if action == "stock":
            outcome = products_bulk_set_stock(
                shop_id=request.shop.id, product_ids=product_ids, stock=request.POST.get("stock")
            )
        else:
            status = {"publish": Product.Status.ACTIVE, "delist": Product.Status.DELISTED}.get(action, "")
            outcome = products_bulk_set_status(shop_id=request.shop.id, product_ids=product_ids, status=status)
    except ValidationFailed as exc:
        messages.error(request, "; ".join(e for errors in exc.fields.values() for e in errors) or exc.message)
    else:
        if outcome.done:
            messages.success(
                request,
                ngettext("%(n)d product updated.", "%(n)d products updated.", len(outcome.done))
                % {"n": len(outcome.done)},
            )
        for product, reason in outcome.refused:
            messages.error(request, f"{product.title}: {reason}")
    return redirect_back(request, "seller:products")


def _create(request, fields, skus, status, photos):
    return product_create(
        shop=request.shop,
        skus=[{k: r[k] for k in ("name", "price", "stock")} for r in skus],
        status=status,
        photos=photos,
        **fields,
    )


def _update(product, fields, skus, status, photos):
    return product_update(product=product, skus=skus, photos=photos, status=status, **fields)


def _initial(product, shop) -> dict:
    if product is None:
        return {"province": shop.province, "city": shop.city, "village": shop.village, "publish": True}
    return {
        "title": product.title,
        "category": product.category_id,
        "description": product.description,
        "province": product.province,
        "city": product.city,
        "village": product.village,
        "publish": product.status == Product.Status.ACTIVE,
    }


@seller_required
@require_POST
def product_status(request, product_id):
    product = access_seller_product(user=request.user, product_id=product_id)
    try:
        product_set_status(product=product, status=request.POST.get("status", ""))
    except InvalidState:
        raise  # delisted by the platform: the 409 page says why and how to ask for a review
    except DomainError as exc:
        messages.error(request, (exc.fields and next(iter(exc.fields.values()))[0]) or exc.message)
    return redirect_back(request, "seller:products")


@seller_required
@require_POST
def product_review_request_view(request, product_id):
    """The seller asks an operator to look again at a product the platform delisted."""
    product = access_seller_product(user=request.user, product_id=product_id)
    try:
        product_review_request(product=product, note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, (exc.fields and next(iter(exc.fields.values()))[0]) or exc.message)
    else:
        messages.success(
            request, _("Review requested: an operator will look at “%(title)s”.") % {"title": product.title}
        )
    return redirect("seller:product-edit", product_id=product.id)


@seller_required
@require_POST
def sku_inline_update(request, sku_id):
    """Change stock and price from the product list, without opening the form."""
    sku = access_seller_sku(user=request.user, sku_id=sku_id)
    try:
        sku_update(sku=sku, price=request.POST.get("price") or None, stock=request.POST.get("stock") or None)
    except DomainError as exc:
        messages.error(request, "; ".join(e for errs in exc.fields.values() for e in errs) or exc.message)
    else:
        messages.success(request, _("Updated %(name)s.") % {"name": sku.name})
    return redirect_back(request, "seller:products")


@seller_required
@require_POST
def image_delete(request, image_id):
    image = access_seller_image(user=request.user, image_id=image_id)
    product_id = image.product_id
    product_image_delete(image=image)
    return redirect("seller:product-edit", product_id=product_id)


@seller_required
@require_POST
def image_cover(request, image_id):
    """Makes a photo the cover: it moves to the front, the others keep their order."""
    image = access_seller_image(user=request.user, image_id=image_id)
    ids = list(image.product.images.order_by("position", "id").values_list("id", flat=True))
    ids.remove(image.id)
    product_images_reorder(product=image.product, image_ids=[image.id, *ids])
    return redirect("seller:product-edit", product_id=image.product_id)


@seller_required
@require_POST
def image_move(request, image_id):
    """Moves a photo one place earlier (the first photo is the cover)."""
    image = access_seller_image(user=request.user, image_id=image_id)
    ids = list(image.product.images.order_by("position", "id").values_list("id", flat=True))
    index = ids.index(image.id)
    if index > 0:
        ids[index - 1], ids[index] = ids[index], ids[index - 1]
        product_images_reorder(product=image.product, image_ids=ids)
    return redirect("seller:product-edit", product_id=image.product_id)
