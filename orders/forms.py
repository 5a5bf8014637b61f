from django import forms
from django.utils.translation import gettext_lazy as _


class AddressForm(forms.Form):
    name = forms.CharField(label=_("Recipient"), max_length=30, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(
        label=_("Phone"), max_length=20, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})
    )
    province = forms.CharField(
        label=_("Province"), max_length=30, widget=forms.TextInput(attrs={"autocomplete": "address-level1"})
    )
    city = forms.CharField(
        label=_("City"), max_length=30, widget=forms.TextInput(attrs={"autocomplete": "address-level2"})
    )
    line = forms.CharField(
        label=_("Street address"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "street-address"})
    )


class ShipForm(forms.Form):
    carrier = forms.CharField(
        label=_("Carrier"),
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. SF Express"), "list": "carriers"}),
    )
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=40)


class RefundRequestForm(forms.Form):
    reason = forms.CharField(label=_("What went wrong?"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    amount = forms.DecimalField(
        label=_("Amount (¥)"),
        max_digits=12,
        decimal_places=2,
        min_value=0.01,
        required=False,
        help_text=_("Leave empty for the full remaining amount."),
    )
    return_goods = forms.BooleanField(label=_("I will send the goods back"), required=False)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("A note for the buyer")}),
    )
