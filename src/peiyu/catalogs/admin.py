from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from peiyu.core.admin_site import CapabilityAdmin, site
from peiyu.core.errors import DomainError
from peiyu.core.permissions import has_capability

from .models import Direction, Industry, Level, Occupation, Trade
from .services import CAPABILITY, trades_import


class DirectionInline(admin.TabularInline):
    model = Direction
    extra = 0
    fields = ("name", "disabled_on")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return has_capability(request.user, CAPABILITY)

    def has_change_permission(self, request, obj=None):
        return has_capability(request.user, CAPABILITY)

    def has_view_permission(self, request, obj=None):
        return has_capability(request.user, CAPABILITY)


@admin.register(Occupation, site=site)
class OccupationAdmin(CapabilityAdmin):
    list_display = ("code", "name", "alias_list", "programme", "kind", "confidence", "disabled_on")
    list_filter = ("programme", "confidence")
    search_fields = ("code", "name")
    fields = (
        "code",
        "alias_codes",
        "name",
        "code_source",
        "programme",
        "kind",
        "confidence",
        "provenance",
        "disabled_on",
    )
    inlines = [DirectionInline]

    @admin.display(description=_("别名编码"))
    def alias_list(self, obj):
        return "、".join(obj.alias_codes) or "—"


@admin.register(Level, site=site)
class LevelAdmin(CapabilityAdmin):
    list_display = ("code", "name", "kind", "rank", "number", "aliases", "disabled_on")
    list_filter = ("kind",)


@admin.register(Industry, site=site)
class IndustryAdmin(CapabilityAdmin):
    list_display = ("code", "name", "disabled_on")
    search_fields = ("code", "name")


class TradeImportForm(forms.Form):
    file = forms.FileField(label=_("文件（.xlsx 或 .csv，列：工种编码、工种名称、职业编码）"))
    mode = forms.ChoiceField(
        label=_("导入方式"),
        choices=[
            ("all_or_nothing", _("全部正确才导入（有错误则不写入任何行）")),
            ("valid_only", _("只导入正确的行")),
        ],
        initial="all_or_nothing",
        widget=forms.RadioSelect,
    )


@admin.register(Trade, site=site)
class TradeAdmin(CapabilityAdmin):
    list_display = ("code", "name", "occupation_code", "occupation", "disabled_on")
    search_fields = ("code", "name", "occupation_code")
    list_filter = ("occupation",)
    raw_id_fields = ("occupation",)
    change_list_template = "admin/catalogs/trade/change_list.html"

    def get_urls(self):
        extra = [path("import/", self.admin_site.admin_view(self.import_view), name="catalogs_trade_import")]
        return extra + super().get_urls()

    def import_view(self, request):
        if not has_capability(request.user, CAPABILITY):
            raise PermissionDenied
        report = None
        form = TradeImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = trades_import(
                    actor=request.user,
                    file_bytes=upload.read(),
                    filename=upload.name,
                    mode=form.cleaned_data["mode"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                summary = _("共%(total)s行：新增%(c)s，更新%(u)s，未变%(n)s，错误%(e)s行。") % {
                    "total": report.rows_total,
                    "c": report.created,
                    "u": report.updated,
                    "n": report.unchanged,
                    "e": len(report.error_rows),
                }
                if report.ok:
                    messages.success(request, summary)
                elif report.written:
                    messages.warning(request, summary + str(_("已导入正确的行。")))
                else:
                    messages.error(request, summary + str(_("未写入任何数据。")))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("导入工种"),
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "admin/catalogs/trade/import.html", context)
