"""Certificates of every kind (seed 000 Art. 13 and 19; 001 Art. 6, 17(5), 29 and 32; 002 §4; 003 §4(4)
and §5; RULES.md CRT-1…8, SEC-2): numbering, the issuance pipeline, signing keys, certificates,
templates checked for their wording, invalidation and reissue."""

from .certificates import Certificate, CertificateSequence, CertificateTemplate
from .invalidations import Invalidation
from .keys import SigningKey
from .pipeline import BatchEntry, IssuanceBatch

__all__ = [
    "BatchEntry",
    "Certificate",
    "CertificateSequence",
    "CertificateTemplate",
    "Invalidation",
    "IssuanceBatch",
    "SigningKey",
]
