from django.urls import path

from alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("nuovo/", views.create, name="create"),
    path("conferma/<str:token>/", views.confirm, name="confirm"),
    path("disiscrizione/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("gestisci/<str:token>/", views.manage, name="manage"),
]
