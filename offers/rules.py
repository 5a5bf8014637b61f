"""An offer's own limits, written once: the services enforce them and the API's serializers state them. Its
lines' prices and quantities follow a SKU's price rule (catalog) and the cart's quantity rule (orders)."""

from decimal import Decimal

EXPIRES_IN_HOURS_MIN = 1
EXPIRES_IN_HOURS_MAX = 168
EXPIRES_IN_HOURS_DEFAULT = 48
SHIPPING_FEE_MAX = Decimal("10000.00")
LINES_MAX = 20
NOTE_MAX_LENGTH = 500
