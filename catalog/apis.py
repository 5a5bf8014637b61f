from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import serializers
from catalog.access import access_public_product, access_seller_image, access_seller_product, access_seller_sku
from catalog.facets import Filters, search_results
from catalog.facets_shown import facets
from catalog.selectors import category_tree, product_detail, products_for_seller
from catalog.services import (
    product_create,
    product_delete,
    product_image_add,
    product_image_delete,
    product_images_reorder,
    product_review_request,
    product_update,
    sku_create,
    sku_delete,
    sku_update,
)
from catalog.suggest import language_of, query_record, suggestions
from common.api import Pagination, paginated
from common.errors import Busy, InvalidState, NotFound
from common.images import ImageTooLarge, InvalidImage
from common.openapi import api_errors
from common.parsers import JSONParser
from shops.access import access_seller_shop
from shops.errors import ShopSuspended


def _writable_shop(user):
    """The seller's shop, for a write: a suspended shop may look but not change (403)."""
    shop = access_seller_shop(user=user)
    if shop.status == shop.Status.SUSPENDED:
        raise ShopSuspended()
    return shop


def _seller_products(products, *, request, many: bool = False):
    return serializers.SellerProductOut(products, many=many, context={"request": request}).data


class CategoryTreeApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=serializers.CategoryNodeOut(many=True))
    def get(self, request):
        return Response(serializers.CategoryNodeOut(category_tree(), many=True).data)


class ProductListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="products_list",
        parameters=[serializers.ProductSearchFilterSerializer],
        responses=paginated(serializers.ProductListItemOut, facets=serializers.FacetsOut(allow_null=True)),
    )
    @api_errors(NotFound)  # a page past the last one (?page=)
    def get(self, request):
        filters = serializers.ProductSearchFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = dict(filters.validated_data)
        with_facets = data.pop("facets")
        paginator = Pagination()
        page = paginator.paginate_queryset(search_results(data), request, view=self)
        response = paginator.get_paginated_response(
            serializers.ProductListItemOut(page, many=True, context={"request": request}).data
        )
        response.data["facets"] = serializers.FacetsOut(facets(Filters.from_data(data))).data if with_facets else None
        if data.get("q") and page and paginator.page.number == 1:
            query_record(data["q"], language=language_of(getattr(request, "LANGUAGE_CODE", None)))
        return response


class SearchSuggestApi(APIView):
    """Completions of what the buyer is typing: titles' words and phrases, categories and popular queries,
    by prefix, pinyin ("luo bo", "luo2bo5") or initials ("lb"); the buyer's language first."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="search_suggest",
        parameters=[serializers.SuggestQuerySerializer],
        responses=serializers.SuggestionsOut,
    )
    def get(self, request):
        query = serializers.SuggestQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data["q"]
        language = language_of(getattr(request, "LANGUAGE_CODE", None))
        return Response({"q": q, "suggestions": suggestions(q, language=language)})


class ProductDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=serializers.ProductDetailOut)
    def get(self, request, product_id):
        product = product_detail(product=access_public_product(product_id=product_id))
        return Response(serializers.ProductDetailOut(product, context={"request": request}).data)


class SellerProductListApi(APIView):
    parser_classes = [JSONParser]  # JSON in (API.md): no form-encoded twin with other rules

    @extend_schema(
        operation_id="seller_products_list",
        parameters=[serializers.SellerProductListQuerySerializer],
        responses=paginated(serializers.SellerProductOut),
    )
    @api_errors(NotFound)
    def get(self, request):
        shop = access_seller_shop(user=request.user)
        query = serializers.SellerProductListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        paginator = Pagination()
        queryset = products_for_seller(shop_id=shop.id, **query.validated_data)
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(_seller_products(page, request=request, many=True))

    @extend_schema(request=serializers.ProductCreateSerializer, responses={201: serializers.SellerProductOut})
    @api_errors(NotFound, ShopSuspended)
    def post(self, request):
        shop = _writable_shop(request.user)
        data = serializers.ProductCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        product = product_create(shop=shop, **data.validated_data)
        return Response(
            _seller_products(product_detail(product=product), request=request), status=status.HTTP_201_CREATED
        )


class SellerProductDetailApi(APIView):
    parser_classes = [JSONParser]  # JSON in (API.md): no form-encoded twin with other rules

    @extend_schema(responses=serializers.SellerProductOut)
    def get(self, request, product_id):
        product = access_seller_product(user=request.user, product_id=product_id)
        return Response(_seller_products(product_detail(product=product), request=request))

    @extend_schema(request=serializers.ProductUpdateSerializer, responses=serializers.SellerProductOut)
    @api_errors(ShopSuspended, InvalidState, Busy)
    def patch(self, request, product_id):
        _writable_shop(request.user)
        product = access_seller_product(user=request.user, product_id=product_id)
        data = serializers.ProductUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        product = product_update(product=product, **data.validated_data)
        return Response(_seller_products(product_detail(product=product), request=request))

    @extend_schema(responses={204: None})
    @api_errors(ShopSuspended, Busy)
    def delete(self, request, product_id):
        _writable_shop(request.user)
        product_delete(product=access_seller_product(user=request.user, product_id=product_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SellerProductReviewRequestApi(APIView):
    """The seller asks an operator to look again at a product the platform delisted (after editing it)."""

    parser_classes = [JSONParser]  # JSON in (API.md): no form-encoded twin with other rules

    @extend_schema(
        operation_id="seller_product_review_request",
        request=serializers.ReviewRequestSerializer,
        responses=serializers.SellerProductOut,
    )
    @api_errors(InvalidState, Busy)
    def post(self, request, product_id):
        product = access_seller_product(user=request.user, product_id=product_id)
        data = serializers.ReviewRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        product = product_review_request(product=product, note=data.validated_data["note"])
        return Response(_seller_products(product_detail(product=product), request=request))


class SellerProductImageApi(APIView):
    parser_classes = [MultiPartParser]  # the photo is a file part

    @extend_schema(
        request={"multipart/form-data": serializers.ImageUploadSerializer}, responses={201: serializers.ImageOut}
    )
    @api_errors(ShopSuspended, InvalidImage, ImageTooLarge)
    def post(self, request, product_id):
        _writable_shop(request.user)
        product = access_seller_product(user=request.user, product_id=product_id)
        data = serializers.ImageUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        image = product_image_add(product=product, upload=data.validated_data["image"])
        image.refresh_from_db()
        return Response(serializers.ImageOut(image, context={"request": request}).data, status=status.HTTP_201_CREATED)


class SellerProductImageOrderApi(APIView):
    parser_classes = [JSONParser]  # JSON in (API.md): no form-encoded twin with other rules

    @extend_schema(request=serializers.ImageOrderSerializer, responses=serializers.ImageOut(many=True))
    @api_errors(ShopSuspended)
    def post(self, request, product_id):
        _writable_shop(request.user)
        product = access_seller_product(user=request.user, product_id=product_id)
        data = serializers.ImageOrderSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        product_images_reorder(product=product, image_ids=data.validated_data["order"])
        images = product.images.order_by("position")
        return Response(serializers.ImageOut(images, many=True, context={"request": request}).data)


class SellerImageApi(APIView):
    @extend_schema(responses={204: None})
    @api_errors(ShopSuspended)
    def delete(self, request, image_id):
        _writable_shop(request.user)
        product_image_delete(image=access_seller_image(user=request.user, image_id=image_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SellerSkuCreateApi(APIView):
    parser_classes = [JSONParser]  # JSON in (API.md): no form-encoded twin with other rules

    @extend_schema(request=serializers.SkuInputSerializer, responses={201: serializers.SkuOut})
    @api_errors(ShopSuspended)
    def post(self, request, product_id):
        _writable_shop(request.user)
        product = access_seller_product(user=request.user, product_id=product_id)
        data = serializers.SkuInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sku = sku_create(product=product, **data.validated_data)
        return Response(serializers.SkuOut(sku).data, status=status.HTTP_201_CREATED)


class SellerSkuDetailApi(APIView):
    parser_classes = [JSONParser]  # JSON in (API.md): no form-encoded twin with other rules

    @extend_schema(request=serializers.SkuUpdateSerializer, responses=serializers.SkuOut)
    @api_errors(ShopSuspended)
    def patch(self, request, sku_id):
        _writable_shop(request.user)
        sku = access_seller_sku(user=request.user, sku_id=sku_id)
        data = serializers.SkuUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return Response(serializers.SkuOut(sku_update(sku=sku, **data.validated_data)).data)

    @extend_schema(responses={204: None})
    @api_errors(ShopSuspended, InvalidState)
    def delete(self, request, sku_id):
        _writable_shop(request.user)
        sku_delete(sku=access_seller_sku(user=request.user, sku_id=sku_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
