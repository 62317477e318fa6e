from django.urls import path

from . import views

app_name = "demo"

urlpatterns = [
    path("accounts/", views.demo_accounts, name="accounts"),
]
