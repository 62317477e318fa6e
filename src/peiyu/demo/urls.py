from django.urls import path

from . import views

app_name = "demo"

urlpatterns = [
    path("accounts/", views.demo_accounts, name="accounts"),
    path("certificates/<str:which>.pdf", views.demo_certificate_pdf, name="certificate_pdf"),
]
