from django.urls import path

from portal.feedback import views

app_name = "feedback"

urlpatterns = [path("<id:page_id>/", views.rate, name="rate")]
