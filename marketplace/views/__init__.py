"""Pages that compose several apps: home, the seller dashboard and money page; error pages."""
