from django.urls import include, path

from portal.accounts import registration_views, views
from portal.accounts.practices import views as practice_views

urlpatterns = [
    path("profilo/", views.profile, name="account_profile"),
    path("profilo/dati/", views.data_download, name="account_data_download"),
    path("profilo/modifica/", views.profile_edit, name="account_profile_edit"),
    path("elimina/", views.delete_account, name="account_delete"),
    path("seminari/<id:page_id>/iscrizione/", registration_views.register, name="account_seminar_register"),
    path("seminari/<id:page_id>/annulla/", registration_views.cancel, name="account_seminar_cancel"),
    path("buone-pratiche/nuova/", practice_views.new, name="account_practice_new"),
    path("buone-pratiche/<id:pk>/passo/<id:number>/", practice_views.step, name="account_practice_step"),
    path("buone-pratiche/<id:pk>/allegati/<id:attachment_pk>/elimina/", practice_views.delete_attachment,
         name="account_practice_attachment_delete"),
    path("buone-pratiche/<id:pk>/elimina/", practice_views.discard, name="account_practice_discard"),
    path("", include("allauth.urls")),
]
