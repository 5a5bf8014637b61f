"""Writes for orders: cart, checkout, the order lifecycle and after-sale. Import from the modules."""
