from django.urls import path

from catalog.views import public

urlpatterns = [
    path("search/", public.search, name="search"),
]
