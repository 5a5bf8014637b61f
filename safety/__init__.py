"""Trust and safety: keeping deals on the platform (contact details in chat). Imports no other app."""
