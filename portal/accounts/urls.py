from django.urls import include, path

from portal.accounts import views

urlpatterns = [
    path("profilo/", views.profile, name="account_profile"),
    path("profilo/modifica/", views.profile_edit, name="account_profile_edit"),
    path("elimina/", views.delete_account, name="account_delete"),
    path("", include("allauth.urls")),
]
