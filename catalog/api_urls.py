from django.urls import path

from catalog import apis

urlpatterns = [
    path("categories/", apis.CategoryTreeApi.as_view(), name="category-tree"),
    path("products/", apis.ProductListApi.as_view(), name="product-list"),
    path("search/suggest/", apis.SearchSuggestApi.as_view(), name="search-suggest"),
    path("products/<int:product_id>/", apis.ProductDetailApi.as_view(), name="product-detail"),
    path("seller/products/", apis.SellerProductListApi.as_view(), name="seller-product-list"),
    path("seller/products/<int:product_id>/", apis.SellerProductDetailApi.as_view(), name="seller-product-detail"),
    path(
        "seller/products/<int:product_id>/review-request/",
        apis.SellerProductReviewRequestApi.as_view(),
        name="seller-product-review-request",
    ),
    path(
        "seller/products/<int:product_id>/images/", apis.SellerProductImageApi.as_view(), name="seller-product-images"
    ),
    path(
        "seller/products/<int:product_id>/images/order/",
        apis.SellerProductImageOrderApi.as_view(),
        name="seller-product-images-order",
    ),
    path("seller/images/<int:image_id>/", apis.SellerImageApi.as_view(), name="seller-image"),
    path("seller/products/<int:product_id>/skus/", apis.SellerSkuCreateApi.as_view(), name="seller-product-skus"),
    path("seller/skus/<int:sku_id>/", apis.SellerSkuDetailApi.as_view(), name="seller-sku"),
]
