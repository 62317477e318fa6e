from django.urls import path

from . import views

app_name = "catalogs"

urlpatterns = [
    path("", views.occupation_list, name="occupation_list"),
    path("<str:code>/", views.occupation_detail, name="occupation_detail"),
]
