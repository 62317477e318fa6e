"""Evaluation (seed 001 Art. 17-24 and 30, seed 000 Art. 11 and 18, seed 003 §4(4); RULES.md EVL-1…11):
exam sites, question banks and blueprints, papers, evaluation plans and sessions, registrations,
examiners, supervisors and panels, the computer-based theory exam, scores, the score notice, incidents,
archives and declared affiliates."""

from .archives import Affiliate, ArchiveRecord
from .banks import (
    OBJECTIVE_TYPES,
    RESPONSIBLE_DUTIES,
    THEORY_TYPES,
    BankImport,
    Blueprint,
    BlueprintCell,
    Difficulty,
    Item,
    ItemType,
    ItemVersion,
    KnowledgeArea,
    QuestionBank,
)
from .cbt import Attempt, AttemptEvent, Incident, Marking, ResumeRequest
from .examiners import (
    Examiner,
    ExaminerIntegrity,
    ExaminerRelation,
    ExaminerTraining,
    Panel,
    PanelMember,
    QualitySupervisor,
    SupervisionAssignment,
)
from .papers import AssemblyRun, Paper, PaperItem
from .registrations import ApplicationCondition, BulkRegistration, Registration
from .scores import PanelConfirmation, PassingList, Remark, ScoreEntry, ScoreNotice, ScoreObjection
from .sessions import EvaluationPlan, EvaluationSession, PlanEntry, SeatAssignment, Sitting
from .sites import ExamRoom, ExamSite, SiteInspection, SitePhoto

__all__ = [
    "OBJECTIVE_TYPES",
    "RESPONSIBLE_DUTIES",
    "THEORY_TYPES",
    "Affiliate",
    "ApplicationCondition",
    "ArchiveRecord",
    "AssemblyRun",
    "Attempt",
    "AttemptEvent",
    "BankImport",
    "Blueprint",
    "BlueprintCell",
    "BulkRegistration",
    "Difficulty",
    "EvaluationPlan",
    "EvaluationSession",
    "ExamRoom",
    "ExamSite",
    "Examiner",
    "ExaminerIntegrity",
    "ExaminerRelation",
    "ExaminerTraining",
    "Incident",
    "Item",
    "ItemType",
    "ItemVersion",
    "KnowledgeArea",
    "Marking",
    "Panel",
    "PanelConfirmation",
    "PanelMember",
    "Paper",
    "PaperItem",
    "PassingList",
    "PlanEntry",
    "QualitySupervisor",
    "QuestionBank",
    "Registration",
    "Remark",
    "ResumeRequest",
    "ScoreEntry",
    "ScoreNotice",
    "ScoreObjection",
    "SeatAssignment",
    "SiteInspection",
    "SitePhoto",
    "Sitting",
    "SupervisionAssignment",
]
