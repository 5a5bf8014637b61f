from django import forms
from django.utils.translation import gettext_lazy as _


class ShopForm(forms.Form):
    name = forms.CharField(label=_("Shop name"), max_length=60)
    description = forms.CharField(
        label=_("Your story"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who you are, where your products come from."),
    )
    province = forms.CharField(label=_("Province"), max_length=30)
    city = forms.CharField(label=_("City"), max_length=30)
    village = forms.CharField(label=_("Village"), max_length=60, required=False)
    contact = forms.CharField(label=_("Contact"), max_length=100, required=False)
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    banner = forms.FileField(
        label=_("Banner"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


class StaffInviteForm(forms.Form):
    user = forms.CharField(
        label=_("Username or e-mail"),
        max_length=254,
        help_text=_("They get an invitation and become staff only if they accept it (it expires in 7 days)."),
    )
