from django.urls import path

from adoptions import views

app_name = "adoptions"
urlpatterns = [path("<id:practice_id>/", views.record, name="record")]
