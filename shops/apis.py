from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from common.parsers import JSONParser
from shops import serializers
from shops.access import access_public_shop, access_seller_shop
from shops.errors import ShopSuspended
from shops.services import shop_create, shop_update


class ShopCreateApi(APIView):
    @extend_schema(request=serializers.ShopCreateInputSerializer, responses={201: serializers.ShopCreatedOut})
    def post(self, request):
        data = serializers.ShopCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        shop = shop_create(owner=request.user, **data.validated_data)
        return Response({"slug": shop.slug, "name": shop.name, "status": shop.status}, status=status.HTTP_201_CREATED)


class ShopDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=serializers.ShopOut)
    def get(self, request, slug):
        shop = access_public_shop(user=request.user, slug=slug)
        return Response(serializers.shop_public(shop, request=request, product_count=shop.product_count))


class SellerShopApi(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=serializers.ShopOut)
    def get(self, request):
        shop = access_seller_shop(user=request.user)
        return Response(serializers.shop_public(shop, request=request, product_count=shop.product_count))

    @extend_schema(request=serializers.ShopUpdateInputSerializer, responses=serializers.ShopOut)
    def patch(self, request):
        shop = access_seller_shop(user=request.user)
        if shop.status == shop.Status.SUSPENDED:
            raise ShopSuspended()
        data = serializers.ShopUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        shop = shop_update(shop=shop, **data.validated_data)
        return Response(serializers.shop_public(shop, request=request, product_count=shop.product_count))
