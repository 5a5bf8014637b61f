"""An offer's limits, written once: the services enforce them and the API's serializers state them."""

from decimal import Decimal

EXPIRES_IN_HOURS_MIN = 1
EXPIRES_IN_HOURS_MAX = 168
EXPIRES_IN_HOURS_DEFAULT = 48
PRICE_MIN = Decimal("0.01")
PRICE_MAX = Decimal("1000000.00")
SHIPPING_FEE_MAX = Decimal("10000.00")
QUANTITY_MAX = 999
LINES_MAX = 20
NOTE_MAX_LENGTH = 500
