from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.errors import Conflict


class OutOfStock(Conflict):
    code = "out_of_stock"
    default_message = _("Not enough stock.")

    def __init__(
        self,
        *,
        sku_id: int,
        available: int,
        message: str | None = None,
        name: str | None = None,
        sold_out: bool | None = None,
    ) -> None:
        available = max(available, 0)
        if sold_out is None:
            # On sale with no stock left (what the default message says): the stock gate may remember it
            # (catalog.stock_gate). Whoever knows better (a SKU taken off sale) says so.
            sold_out = available == 0 and message is None
        if message is None:
            name = name if name is not None else sku_display_name(sku_id)
            if available == 0:
                message = gettext("“%(name)s” is sold out.") % {"name": name}
            else:
                message = gettext("Only %(n)d left of “%(name)s”.") % {"n": available, "name": name}
        # The SKU's id stays in `details` for programs; the message names what the buyer saw on the page.
        super().__init__(message, details={"sku": sku_id, "available": available})
        self.sku_id = sku_id
        self.available = available
        self.sold_out = sold_out
        self.name = name  # the SKU's display name when the message was built from it, else None


def sku_display_name(sku_id: int) -> str:
    """What a buyer calls a SKU: the product's title and the SKU's name ("腌萝卜 · 500 g 一罐")."""
    from catalog.models import Sku

    row = Sku.objects.filter(pk=sku_id).values_list("product__title", "name").first()
    if row is None:
        return gettext("this item")
    title, name = row
    return f"{title} · {name}" if name else title
