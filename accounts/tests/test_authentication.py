"""Token authentication on the API: one statement, the full user, and no memory of a token that is gone."""

import pytest
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.selectors import api_token_with_user
from accounts.services import user_deactivate, user_sessions_end
from tests.factories import UserFactory, token_for

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def test_a_token_authenticates_its_user_in_one_statement(api_client, django_assert_num_queries):
    user = UserFactory(username="radish", email="radish@example.com")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")

    with django_assert_num_queries(2):  # the token with its user, then the shop the person works for
        response = api_client.get(ME)

    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "username": "radish",
        "email": "radish@example.com",
        "language": "zh-hans",
        "shop": None,
    }


def test_the_token_and_user_read_are_the_models_own_instances():
    user = UserFactory(first_name="萝卜")
    key = token_for(user)

    token = api_token_with_user(key=key)

    assert isinstance(token, Token) and token.key == key and token.user_id == user.pk
    assert token.created == Token.objects.get(key=key).created
    fresh = User.objects.get(pk=user.pk)
    assert token.user == fresh and not token.user._state.adding
    assert {f.attname: getattr(token.user, f.attname) for f in User._meta.concrete_fields} == {
        f.attname: getattr(fresh, f.attname) for f in User._meta.concrete_fields
    }


@pytest.mark.parametrize("key", ["not-a-real-token", "", "nul\x00byte", "x" * 200])
def test_an_unknown_key_is_no_token(key):
    assert api_token_with_user(key=key) is None


def test_a_token_deleted_by_signing_out_everywhere_stops_working_at_once(api_client):
    user = UserFactory()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    assert api_client.get(ME).status_code == 200

    user_sessions_end(user=user)

    response = api_client.get(ME)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_deactivated_users_token_is_refused_at_once(api_client):
    user = UserFactory()
    key = token_for(user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get(ME).status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)  # as the admin's checkbox does, token kept

    assert api_client.get(ME).status_code == 401
    user_deactivate(user=User.objects.get(pk=user.pk))
    assert not Token.objects.filter(key=key).exists()
