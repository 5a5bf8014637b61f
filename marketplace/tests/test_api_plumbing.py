import pytest

pytestmark = pytest.mark.django_db


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}


def test_api_error_messages_speak_the_requests_language(client):
    """Issue 18 #4: the error shape's message is translated like every other message a user can see."""
    chinese = client.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="zh-CN").json()["error"]["message"]
    assert chinese and chinese != "Not found."
    english = client.get("/api/v1/products/?min_price=-1", HTTP_ACCEPT_LANGUAGE="en").json()["error"]
    chinese = client.get("/api/v1/products/?min_price=-1", HTTP_ACCEPT_LANGUAGE="zh-CN").json()["error"]
    assert english["message"] == "Some fields are not valid."
    assert chinese["message"] != english["message"] and chinese["code"] == english["code"] == "validation_error"


def test_api_calls_are_resolved_before_any_page_pattern_is_tried():
    from django.urls import resolve

    match = resolve("/api/v1/checkout/")
    assert match.view_name == "api:checkout"
    tried_outside_api = [t[0] for t in match.tried if not str(t[0].pattern).startswith(("api/", "^api/"))]
    assert tried_outside_api == []


def test_unknown_page_is_an_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]


def test_method_not_allowed_keeps_the_error_shape(api_client):
    response = api_client.get("/api/v1/auth/register/")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/auth/register/" in schema.json()["paths"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


def test_body_over_the_limit_is_413(client, settings):
    settings.MAX_REQUEST_BODY_BYTES = 1000
    response = client.post("/api/v1/auth/register/", data="x" * 2000, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_pages_default_to_simplified_chinese(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in response.content.decode()
    assert "登录" in response.content.decode()


def test_language_switch_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in page
    assert "Log in" in page


def test_home_page_has_search_and_account_links(client):
    page = client.get("/").content.decode()
    assert 'role="search"' in page
    assert "/accounts/login/" in page
