from django import forms
from django.utils.translation import gettext_lazy as _

from payments.models import PayoutAccount

_field = PayoutAccount._meta.get_field  # the lengths are the model's (the service checks the same)


class PayoutAccountForm(forms.Form):
    """Shapes the page's input; the rules (digits, length, the card's check digit) are the service's."""

    kind = forms.ChoiceField(label=_("Account type"), choices=PayoutAccount.Kind.choices, widget=forms.RadioSelect)
    holder_name = forms.CharField(
        label=_("Account holder"),
        max_length=_field("holder_name").max_length,
        help_text=_("The name the bank knows: yours, or your company's."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    bank_name = forms.CharField(
        label=_("Bank"),
        max_length=_field("bank_name").max_length,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 中国农业银行 湘西分行")}),
    )
    account_number = forms.CharField(
        label=_("Account number"),
        max_length=40,
        help_text=_("Digits only; spaces are fine. For safety it is never shown in full again."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
