from django.urls import path

from catalog.views import seller

urlpatterns = [
    path("products/", seller.product_list_page, name="products"),
    path("products/new/", seller.product_form_page, name="product-new"),
    path("products/bulk/", seller.product_bulk, name="product-bulk"),
    path("products/<int:product_id>/edit/", seller.product_form_page, name="product-edit"),
    path("products/<int:product_id>/status/", seller.product_status, name="product-status"),
    path(
        "products/<int:product_id>/review-request/",
        seller.product_review_request_view,
        name="product-review-request",
    ),
    path("skus/<int:sku_id>/", seller.sku_inline_update, name="sku-update"),
    path("images/<int:image_id>/delete/", seller.image_delete, name="image-delete"),
    path("images/<int:image_id>/move/", seller.image_move, name="image-move"),
    path("images/<int:image_id>/cover/", seller.image_cover, name="image-cover"),
]
