"""URLs of evaluation: signed-in pages under /exams/ (namespace `exams`) and public pages (the annual
plans, session announcements, score notices and the candidate's exam pages) at /exam/. Every area's
view module is listed here by name."""

from django.urls import include, path

from .views import archives, banks, cbt, examiners, papers, plans, registrations, scores, sessions, sites

AREAS = (sites, banks, papers, plans, sessions, registrations, examiners, cbt, scores, archives)

exams_patterns = ([p for area in AREAS for p in area.urlpatterns], "exams")
public_patterns = ([p for area in AREAS for p in area.public_urlpatterns], "exam_public")

urlpatterns = [
    path("exams/", include(exams_patterns)),
    path("exam/", include(public_patterns)),
]
