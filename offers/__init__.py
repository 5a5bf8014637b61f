"""Offers in chat (chat-to-sale): a seller's priced offer in a conversation, which the buyer accepts and pays.

Depends on chat (conversations), catalog (SKUs), orders (accepting is a checkout) and safety (notes are
checked for contact details); nothing depends on it.
"""
