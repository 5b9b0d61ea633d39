from django.urls import include, path

from portal.accounts import views

urlpatterns = [
    path("profilo/", views.profile, name="account_profile"),
    path("", include("allauth.urls")),
]
