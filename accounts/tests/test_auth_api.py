import pytest

from accounts.models import User
from tests.factories import PASSWORD, UserFactory, token_for

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register/"
TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/me/"


def test_register_returns_a_working_token(api_client):
    # when
    response = api_client.post(
        REGISTER, {"username": "lihua", "email": "lihua@example.com", "password": "pickled-radish-28"}, format="json"
    )
    # then
    assert response.status_code == 201
    body = response.json()
    assert body["username"] == "lihua" and isinstance(body["id"], int)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    me = api_client.get(ME).json()
    assert me == {
        "id": body["id"],
        "username": "lihua",
        "email": "lihua@example.com",
        "language": "zh-hans",
        "shop": None,
    }


def test_register_duplicate_username_is_a_field_error_and_writes_nothing(api_client):
    UserFactory(username="lihua")
    response = api_client.post(
        REGISTER, {"username": "LiHua", "email": "other@example.com", "password": "pickled-radish-28"}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "username" in error["fields"]
    assert User.objects.count() == 1


def test_register_duplicate_email_is_a_field_error(api_client):
    UserFactory(email="lihua@example.com")
    response = api_client.post(
        REGISTER, {"username": "newname", "email": "LIHUA@example.com", "password": "pickled-radish-28"}, format="json"
    )
    assert response.status_code == 400
    assert "email" in response.json()["error"]["fields"]


@pytest.mark.parametrize("password", ["123", "12345678901", "password", "lihua12"])
def test_register_weak_password_is_refused(api_client, password):
    response = api_client.post(
        REGISTER, {"username": "lihua", "email": "lihua@example.com", "password": password}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["password"]
    assert not User.objects.filter(username="lihua").exists()


def test_register_missing_fields_are_listed(api_client):
    response = api_client.post(REGISTER, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"username", "email", "password"}


@pytest.mark.parametrize(
    "body",
    [
        {"username": "bad name!", "email": "a@example.com", "password": "pickled-radish-28"},
        {"username": "x" * 151, "email": "a@example.com", "password": "pickled-radish-28"},
        {"username": "ok", "email": "not-an-email", "password": "pickled-radish-28"},
        {"username": ["ok"], "email": "a@example.com", "password": "pickled-radish-28"},
    ],
)
def test_register_malformed_fields_are_400(api_client, body):
    response = api_client.post(REGISTER, body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_register_malformed_json_is_400_in_the_error_shape(api_client):
    response = api_client.post(REGISTER, data=b'{"username": ', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_token_for_good_credentials(api_client):
    user = UserFactory()
    response = api_client.post(TOKEN, {"username": user.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert response.json()["token"] == token_for(user)


def test_token_for_bad_credentials_is_400(api_client):
    user = UserFactory()
    response = api_client.post(TOKEN, {"username": user.username, "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_me_without_credentials_is_401(api_client):
    response = api_client.get(ME)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_me_with_a_bogus_token_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api_client.get(ME).status_code == 401


def test_me_for_an_inactive_user_is_401(api_client):
    user = UserFactory(is_active=False)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    assert api_client.get(ME).status_code == 401


def test_register_is_rate_limited_per_address(api_client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "register": "2/h"}
    for i in range(2):
        api_client.post(
            REGISTER,
            {"username": f"u{i}", "email": f"u{i}@example.com", "password": "pickled-radish-28"},
            format="json",
            REMOTE_ADDR="10.9.9.9",
        )
    response = api_client.post(
        REGISTER,
        {"username": "u3", "email": "u3@example.com", "password": "pickled-radish-28"},
        format="json",
        REMOTE_ADDR="10.9.9.9",
    )
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert int(response["Retry-After"]) >= 1
    assert not User.objects.filter(username="u3").exists()
