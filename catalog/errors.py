from common.errors import Conflict


class OutOfStock(Conflict):
    code = "out_of_stock"
    default_message = "Not enough stock."

    def __init__(self, *, sku_id: int, available: int, message: str | None = None) -> None:
        super().__init__(
            message or f"Only {max(available, 0)} left of SKU {sku_id}.",
            details={"sku": sku_id, "available": max(available, 0)},
        )
        self.sku_id = sku_id
        self.available = max(available, 0)
