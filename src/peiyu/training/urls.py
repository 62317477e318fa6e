"""URLs of training: signed-in pages under /training/ (namespace `training`) and public pages
(announcements, QR check-in, certificate verification, trainee registration) at the site root.
Every area's view module is listed here by name (an area module includes its sub-modules' patterns)."""

from django.urls import include, path

from .views import attendance, classes, completion, online, plans, trainees

training_patterns = (
    [
        *plans.urlpatterns,
        *trainees.urlpatterns,
        *classes.urlpatterns,
        *attendance.urlpatterns,
        *online.urlpatterns,
        *completion.urlpatterns,
    ],
    "training",
)
public_patterns = [
    *trainees.public_urlpatterns,
    *classes.public_urlpatterns,
    *attendance.public_urlpatterns,
    *completion.public_urlpatterns,
]

urlpatterns = [
    path("training/", include(training_patterns)),
    *public_patterns,
]
