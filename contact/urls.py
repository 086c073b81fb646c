from django.urls import path

from . import views

app_name = "contact"
urlpatterns = [
    path("<int:page_id>/submissions/", views.submit, name="submit"),
]
