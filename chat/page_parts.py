"""The conversation page's parts that other apps own (common.page_parts): the offers app adds the offer cards'
states, the seller's offer form, the buyer's accept sheet and counter-proposal form."""

from common.page_parts import PageParts

# context(conversation=…, user=…, role="buyer"|"seller") → template variables (see offers/page_parts.py).
CONVERSATION_PAGE = PageParts("conversation")
