"""Pages that compose several apps: home, shopfront, product page, the seller dashboard; error pages."""
