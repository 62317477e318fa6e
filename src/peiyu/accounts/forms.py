from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        from django.conf import settings

        super().__init__(*args, **kwargs)
        self.error_messages = {
            "invalid_login": _("用户名或密码不正确。连续失败%(limit)d次后账户将被锁定。")
            % {"limit": settings.AXES_FAILURE_LIMIT},
            "inactive": _("该账户已停用"),
        }
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")


class OTPTokenForm(forms.Form):
    token = forms.RegexField(
        label=_("6位验证码"),
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"invalid": _("请输入认证器上的6位数字"), "required": _("请输入验证码")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
