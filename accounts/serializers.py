from django.conf import settings
from rest_framework import serializers

from accounts.models import User
from common.serializers import StrictCharField


class RegisterInputSerializer(serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150)
    email = serializers.EmailField(max_length=254)
    password = StrictCharField(max_length=128, write_only=True, trim_whitespace=False)
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        help_text="What notifications and e-mails are written in; the request's language when omitted.",
    )


class RegisterOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    token = serializers.CharField()


class TokenInputSerializer(serializers.Serializer):
    username = StrictCharField(max_length=150)
    password = StrictCharField(max_length=128, trim_whitespace=False)


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField()


class UserSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username"]


class LanguageInputSerializer(serializers.Serializer):
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES, help_text="What notifications, e-mails and chat notices are written in."
    )


class LogoutEverywhereOutputSerializer(serializers.Serializer):
    sessions_ended = serializers.IntegerField(help_text="Browser sessions of the account that were ended.")
    tokens_ended = serializers.IntegerField(help_text="API tokens deleted (this request's own token among them).")
