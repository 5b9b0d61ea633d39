from django.urls import path

from relay import views

app_name = "relay"
urlpatterns = [path("<id:contact_id>/", views.write, name="write")]
