from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from orders.services.checkout import ADDRESS_MAX_LENGTHS
from orders.services.lifecycle import CARRIER_MAX_LENGTH, TRACKING_NUMBER_MAX_LENGTH
from orders.services.refunds import AMOUNT_MIN, NOTE_MAX_LENGTH, REASON_MAX_LENGTH


class AddressForm(forms.Form):
    name = forms.CharField(
        label=_("Recipient"),
        max_length=ADDRESS_MAX_LENGTHS["name"],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=ADDRESS_MAX_LENGTHS["phone"],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    province = forms.CharField(
        label=_("Province"),
        max_length=ADDRESS_MAX_LENGTHS["province"],
        widget=forms.TextInput(attrs={"autocomplete": "address-level1"}),
    )
    city = forms.CharField(
        label=_("City"),
        max_length=ADDRESS_MAX_LENGTHS["city"],
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    line = forms.CharField(
        label=_("Street address"),
        max_length=ADDRESS_MAX_LENGTHS["line"],
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )


class ShipForm(forms.Form):
    carrier = forms.CharField(
        label=_("Carrier"),
        max_length=CARRIER_MAX_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. SF Express"), "list": "carriers"}),
    )
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=TRACKING_NUMBER_MAX_LENGTH)


class RefundRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("What went wrong?"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    amount = forms.DecimalField(
        label=_("Amount (¥)"),
        max_digits=12,
        decimal_places=2,
        min_value=AMOUNT_MIN,
        required=False,
        help_text=_("Leave empty for the full remaining amount."),
    )
    return_goods = forms.BooleanField(label=_("I will send the goods back"), required=False)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("A note for the buyer")}),
    )


class PriceChangeForm(forms.Form):
    """改价 from the seller center: a new total, or a discount off the current one. The service checks the
    rest (only lower, only unpaid, at most PRICE_CHANGES_MAX times) with its own words."""

    total = forms.DecimalField(
        label=_("New total (¥)"), required=False, max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    discount = forms.DecimalField(
        label=_("or a discount (¥)"), required=False, max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )

    def __init__(self, *args, current: Decimal, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.current = current

    def clean(self) -> dict:
        data = super().clean()
        total, discount = data.get("total"), data.get("discount")
        if self.errors:
            return data
        if (total is None) == (discount is None):
            raise forms.ValidationError(_("Give either a new total or a discount."))
        if discount is not None:
            data["total"] = self.current - discount
        return data
