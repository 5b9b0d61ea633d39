from django.urls import path

from newsletter import views

app_name = "newsletter"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("iscrizione/", views.subscribe, name="subscribe"),
    path("iscrizione/inviata/", views.subscribed, name="subscribed"),
    path("iscrizione/membro/", views.subscribe_member, name="subscribe_member"),
    path("conferma/<str:token>/", views.confirm, name="confirm"),
    path("preferenze/<str:token>/", views.preferences, name="preferences"),
    path("preferenze/<str:token>/dati/", views.export, name="export"),
    path("preferenze/<str:token>/cancellazione/", views.erase, name="erase"),
    path("dati/<str:token>/", views.export_confirmed, name="export_confirmed"),
    path("cancellazione/<str:token>/", views.erase_confirmed, name="erase_confirmed"),
    path("disiscrizione/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("archivio/", views.archive, name="archive"),
    path("archivio/<id:number>/", views.archive_detail, name="archive_detail"),
    path("feed/", views.EditionFeed(), name="feed"),
    path("rimbalzi/", views.bounce_endpoint, name="bounces"),
    path("link/<id:link_id>/", views.follow_link, name="link"),
]
