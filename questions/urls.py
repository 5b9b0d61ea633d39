from django.urls import path

from questions import views

app_name = "questions"
urlpatterns = [path("<id:practice_id>/", views.ask, name="ask")]
