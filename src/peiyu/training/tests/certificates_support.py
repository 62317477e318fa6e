"""A completed class ready for its training certificates (issued by the certificates app, ADR 0007 §4)."""

from __future__ import annotations

from decimal import Decimal

from peiyu.training.services import completion as svc

from . import completion_factories as f


def completed_class(world, names=("张三丰", "李四"), *, plan=None, admin="sy_inst_admin", region=None):
    """A class of `plan` (the Shenyang AI plan) completed with `names` passing and one trainee failing."""
    k = f.klass(plan or f.plan(world), region=region)
    for name in names:
        f.enrol(k, f.trainee(name), offline=6000, score=Decimal("80"))
    f.enrol(k, f.trainee("未通过"), offline=100, score=Decimal("80"))
    svc.class_complete(actor=getattr(world, admin), klass=k)
    return k
