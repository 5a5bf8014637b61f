from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from catalog.models import Category


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleImageField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def category_choices():
    """Grouped by top-level category, after an empty choice: the picker starts empty (no silent default)."""
    choices = [("", _("— choose a category —"))]
    for parent in Category.objects.filter(parent__isnull=True).prefetch_related("children"):
        choices.append(
            (
                parent.display_name,
                [(c.id, c.display_name) for c in parent.children.all()] or [(parent.id, parent.display_name)],
            )
        )
    return choices


class ProductForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    category = forms.TypedChoiceField(
        label=_("Category"),
        coerce=int,
        empty_value=None,
        # static/js/seller-products.js adds a search box that filters the options (the select works alone)
        widget=forms.Select(attrs={"data-category-picker": ""}),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Plain text: what it is, how it is made, how to keep it."),
    )
    province = forms.CharField(label=_("Province"), max_length=30, required=False)
    city = forms.CharField(label=_("City"), max_length=30, required=False)
    village = forms.CharField(label=_("Village / farm"), max_length=60, required=False)
    photos = MultipleImageField(
        label=_("Photos"),
        help_text=_("JPEG, PNG or WebP, up to 10 MB each."),
        # static/js/seller-products.js previews the chosen photos, lets them be reordered and one made the cover
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "data-photo-preview": ""}),
    )
    publish = forms.BooleanField(label=_("Put on sale now"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()


class SkuForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(
        label=_("SKU"), max_length=60, widget=forms.TextInput(attrs={"placeholder": _("e.g. 500 g jar")})
    )
    price = forms.DecimalField(label=_("Price (¥)"), max_digits=10, decimal_places=2, min_value=0.01)
    stock = forms.IntegerField(label=_("Stock"), min_value=0, max_value=1_000_000)
    delete = forms.BooleanField(label=_("Remove"), required=False)


SkuFormSet = formset_factory(SkuForm, extra=1, max_num=50, validate_max=True)
# A new product starts with three empty rows: several SKUs in one go, even without JavaScript.
NewSkuFormSet = formset_factory(SkuForm, extra=3, max_num=50, validate_max=True)


class SpecForm(forms.Form):
    """A one- or two-dimension spec (sizes × flavours) that generates SKU rows to fill in."""

    first = forms.CharField(
        label=_("Spec 1 values"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 500 g, 1 kg")}),
    )
    second = forms.CharField(
        label=_("Spec 2 values (optional)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. mild, extra hot")}),
    )
    price = forms.CharField(label=_("Price (¥) for each"), required=False, max_length=12)
    stock = forms.CharField(label=_("Stock for each"), required=False, max_length=8)
