from django.urls import path

from adoptions import views

app_name = "adoptions"
urlpatterns = [path("<int:practice_id>/", views.record, name="record")]
