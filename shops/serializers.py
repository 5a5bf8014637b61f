from rest_framework import serializers

from common.serializers import absolute_url, decimal_number


class ShopCreateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    province = serializers.CharField(max_length=30)
    city = serializers.CharField(max_length=30)
    village = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    contact = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class ShopUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60, required=False)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    province = serializers.CharField(max_length=30, required=False)
    city = serializers.CharField(max_length=30, required=False)
    village = serializers.CharField(max_length=60, required=False, allow_blank=True)
    contact = serializers.CharField(max_length=100, required=False, allow_blank=True)
    logo = serializers.FileField(required=False)
    banner = serializers.FileField(required=False)


def shop_ref(shop) -> dict:
    return {"slug": shop.slug, "name": shop.name}


def shop_public(shop, *, request, product_count: int) -> dict:
    return {
        "slug": shop.slug,
        "name": shop.name,
        "description": shop.description,
        "province": shop.province,
        "city": shop.city,
        "village": shop.village,
        "status": shop.status,
        "logo_url": absolute_url(request, shop.logo),
        "banner_url": absolute_url(request, shop.banner),
        "score": {
            "rating": decimal_number(shop.rating),
            "as_described": decimal_number(shop.score_as_described),
            "communication": decimal_number(shop.score_communication),
            "shipping": decimal_number(shop.score_shipping),
            "review_count": shop.review_count,
        },
        "product_count": product_count,
        "created_at": shop.created_at.isoformat(),
    }


class ShopScoreOut(serializers.Serializer):
    rating = serializers.FloatField(allow_null=True)
    as_described = serializers.FloatField(allow_null=True)
    communication = serializers.FloatField(allow_null=True)
    shipping = serializers.FloatField(allow_null=True)
    review_count = serializers.IntegerField()


class ShopOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    province = serializers.CharField()
    city = serializers.CharField()
    village = serializers.CharField()
    status = serializers.CharField()
    logo_url = serializers.URLField(allow_null=True)
    banner_url = serializers.URLField(allow_null=True)
    score = ShopScoreOut()
    product_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class ShopCreatedOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()


# --- staff (子账号) ---------------------------------------------------------------------------------


class StaffInviteInputSerializer(serializers.Serializer):
    user = serializers.CharField(max_length=254, help_text="The invitee's username or e-mail address.")


class PersonOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class ShopRefOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class StaffMemberOut(serializers.Serializer):
    id = serializers.IntegerField()
    user = PersonOut()
    role = serializers.ChoiceField(choices=["owner", "staff"])
    joined_at = serializers.DateTimeField()


class StaffInvitationOut(serializers.Serializer):
    id = serializers.IntegerField()
    shop = ShopRefOut()
    user = PersonOut()
    invited_by = PersonOut(allow_null=True)
    status = serializers.ChoiceField(choices=["pending", "accepted", "declined", "revoked", "expired"])
    expires_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()


class StaffLeftOut(serializers.Serializer):
    shop = ShopRefOut()
    status = serializers.CharField(help_text='"left"')


def person(user) -> dict | None:
    return {"id": user.pk, "username": user.username} if user is not None else None


def staff_member(member) -> dict:
    return {
        "id": member.pk,
        "user": person(member.user),
        "role": member.role,
        "joined_at": member.created_at.isoformat(),
    }


def staff_invitation(invitation) -> dict:
    return {
        "id": invitation.pk,
        "shop": shop_ref(invitation.shop),
        "user": person(invitation.user),
        "invited_by": person(invitation.invited_by),
        "status": invitation.status,
        "expires_at": invitation.expires_at.isoformat(),
        "created_at": invitation.created_at.isoformat(),
    }


# --- a suspended shop's review request (its owner asks an operator to look again) ---------------------


class ShopReviewRequestSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class ShopModerationOut(serializers.Serializer):
    slug = serializers.CharField()
    status = serializers.CharField()
    status_reason = serializers.CharField(help_text="the operator's reason for a suspension")
    review_requested_at = serializers.DateTimeField(allow_null=True)


def shop_moderation(shop) -> dict:
    return {
        "slug": shop.slug,
        "status": shop.status,
        "status_reason": shop.status_reason,
        "review_requested_at": shop.review_requested_at.isoformat() if shop.review_requested_at else None,
    }
