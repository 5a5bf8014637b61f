import pytest

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_signup_page_creates_the_account_and_logs_in(client):
    response = client.post(
        "/accounts/signup/", {"username": "xiaomei", "email": "xm@example.com", "password": "lipstick-review-9"}
    )
    assert response.status_code == 302
    home = client.get("/")
    assert "xiaomei" in home.content.decode()
    assert User.objects.filter(username="xiaomei").exists()


def test_signup_page_shows_field_errors(client):
    UserFactory(username="xiaomei")
    response = client.post("/accounts/signup/", {"username": "xiaomei", "email": "bad", "password": "1"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert User.objects.count() == 1


def test_login_and_logout(client):
    user = UserFactory()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"] == user
    assert client.post("/accounts/logout/").status_code == 302
    assert not client.get("/").context["user"].is_authenticated


def test_login_redirects_only_to_our_own_site(client):
    user = UserFactory()
    response = client.post(
        "/accounts/login/?next=https://evil.example/",
        {"username": user.username, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_login_wrong_password_shows_the_form_again(client):
    user = UserFactory()
    response = client.post("/accounts/login/", {"username": user.username, "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors
