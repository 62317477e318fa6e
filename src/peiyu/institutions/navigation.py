from django.utils.translation import gettext_lazy as _

from peiyu.core.registry import NavItem, register_nav

REVIEW_CAPS = "|".join(
    [
        "application.review_city",
        "application.review_district",
        "application.review_province",
        "application.review_technical",
        "application.recommend",
        "application.decide",
        "application.file",
    ]
)

register_nav(
    NavItem("applications", _("机构申报"), "directory:application_list", "application.submit", order=200)
)
register_nav(NavItem("review", _("申报审核"), "directory:review_queue", REVIEW_CAPS, order=210))
register_nav(
    NavItem("listings", _("机构目录管理"), "directory:listing_list", "listing.view|listing.manage", order=220)
)
register_nav(NavItem("expert", _("专家评议"), "directory:expert_assignments", "expert.review", order=230))
register_nav(NavItem("catalog", _("公开目录"), "catalog:list", "home.view", order=790))
