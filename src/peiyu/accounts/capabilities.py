"""Capabilities are code: each names one thing a user may do. Roles (data) bundle them.
A check always pairs a capability with a scope (scoping.py): what the user may do, and where."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CAPABILITIES: dict[str, StrOrPromise] = {
    # foundation
    "home.view": _("查看工作台"),
    "org.view": _("查看单位"),
    "org.manage": _("管理单位"),
    "org.confirm": _("确认机构注册"),
    "org.staff_manage": _("管理本单位人员账户与角色"),
    "user.view": _("查看用户"),
    "user.manage": _("管理用户与角色"),
    "user.unlock": _("解除账户锁定"),
    "audit.view": _("查看审计日志"),
    "audit.verify": _("校验审计链"),
    "policy.view": _("查看政策配置"),
    "policy.edit": _("修订政策配置"),
    "reference.manage": _("维护参考数据（职业、工种、行业、行政区划）"),
    "calendar.manage": _("维护节假日"),
    "personal_data.view_full": _("查看完整个人信息（留痕）"),
    "api_token.manage": _("管理本人接口令牌"),
    # directory (SEL, DIR)
    "application.submit": _("提交机构申报"),
    "application.review_city": _("市级审核推荐"),
    "application.review_district": _("区县初审推荐"),
    "application.review_province": _("省级评审"),
    "application.review_technical": _("技术评审"),
    "application.decide": _("遴选决定"),
    "application.recommend": _("推荐申报（省级或行业主管部门）"),
    "application.file": _("备案决定"),
    "call.manage": _("发布申报通知"),
    "expert.review": _("专家评议"),
    "listing.view": _("查看目录条目"),
    "listing.manage": _("管理目录条目"),
    # training, exams, certificates, supervision, subsidies, reports
    "training.manage": _("管理培训"),
    "training.supervise": _("监管培训"),
    "training.online_records": _("推送线上学习记录"),
    "exam.manage": _("管理考核"),
    "exam.supervise": _("监管考核"),
    "exam.bank_write": _("命题（编写试题）"),
    "exam.bank_review": _("审题"),
    "exam.bank_approve": _("审定试题"),
    "exam.items_view": _("查看试题内容（留痕）"),
    "exam.proctor": _("监考与考务"),
    "exam.mark": _("阅卷与评分（考评员）"),
    "exam.quality_supervise": _("质量督导"),
    "certificate.issue": _("颁发证书"),
    "certificate.confirm": _("确认证书数据"),
    "certificate.approve": _("审核证书数据（协调小组办公室）"),
    "certificate.view": _("查看证书数据"),
    "certificate.export": _("批量导出证书数据（留痕）"),
    "certificate.invalidate": _("认定证书或成绩无效"),
    "certificate.keys": _("管理证书签名密钥与样式"),
    "certificate.verify_bulk": _("批量核验证书（用人单位接口）"),
    "supervision.manage": _("监督检查与案件"),
    "subsidy.claim": _("申请补贴"),
    "subsidy.review": _("审核补贴"),
    "report.view": _("查看统计报表"),
    "person.self": _("本人事务（学员、考生、专家、考评员）"),
}


def describe(code: str) -> str:
    return str(CAPABILITIES.get(code, code))


def unknown(codes: list[str]) -> list[str]:
    return [c for c in codes if c not in CAPABILITIES]
