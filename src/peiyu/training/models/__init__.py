"""Training (seeds 000 Art. 10, 12, 14, 17; 002; 003 §4; RULES.md TRN-1…13): the teacher registry, training
plans filed with the province and the city, classes with their public announcement and sessions, and
real-name trainees enrolled in classes.

A plan is authorised by an active catalog listing of its institution for its occupation and level
(TRN-2); the checks made when it is filed are a stored Decision with the profile version. Trainees are
people, one per ID number: the number is SM4-encrypted and found through its keyed blind index."""

from .attendance import Anomaly, AnomalyScan, Attendance, TrainingSession
from .classes import Inspection, TrainingClass
from .completion import TraineeEvaluation, TrainingReport
from .online import OnlineBatch, OnlineRecord, PlatformKey
from .plans import CertType, Teacher, TitleLevel, TrainingPlan
from .trainees import Enrolment, PersonPhoto, RosterImport, Trainee

__all__ = [
    "Anomaly",
    "AnomalyScan",
    "Attendance",
    "CertType",
    "Enrolment",
    "Inspection",
    "OnlineBatch",
    "OnlineRecord",
    "PersonPhoto",
    "PlatformKey",
    "RosterImport",
    "Teacher",
    "TitleLevel",
    "Trainee",
    "TraineeEvaluation",
    "TrainingClass",
    "TrainingPlan",
    "TrainingReport",
    "TrainingSession",
]
