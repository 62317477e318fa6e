"""The institution directory (机构目录): calls, applications and their review, expert panels, public
notices and objections, listings with validity, renewals, changes and terminations — one module per
sub-area; this package only names the models."""

from .applications import Application, Attachment, QuotaLock, ReviewAction
from .calls import Call, InstitutionType, Kind
from .experts import ExpertImport, ExpertRelation
from .listings import ChangeRequest, Listing, ListingPeriod, ListingVolume, Renewal, Termination
from .notices import Objection, PublicNotice
from .panels import Expert, ExpertScore, Panel, PanelMember

__all__ = [
    "Application",
    "Attachment",
    "Call",
    "ChangeRequest",
    "Expert",
    "ExpertImport",
    "ExpertRelation",
    "ExpertScore",
    "InstitutionType",
    "Kind",
    "Listing",
    "ListingPeriod",
    "ListingVolume",
    "Objection",
    "Panel",
    "PanelMember",
    "PublicNotice",
    "QuotaLock",
    "Renewal",
    "ReviewAction",
    "Termination",
]
