"""Finding contact details that would move a deal off the platform, and masking them.

Escrow protects a buyer only when the payment is made here, so a phone number, an e-mail address, a WeChat
or QQ id, a link to another site or a request to pay outside is masked in chat (PRODUCT.md, "Keeping the deal
on the platform"). Text is first normalised (safety.normalize: full-width and Chinese digits, zero-width
characters, look-alike letters); numbers are read across separators and across the sender's last few
messages, so "138", "0013", "8000" sent one after another is still a phone number.

Precision matters as much as recall: prices, weights, dates, times, quantities, years, the platform's own
order numbers and links, and the tracking numbers of the conversation's own orders are never masked.
The labelled corpus in safety/corpus/ measures both (`make safety-report`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import phonenumbers

from safety.normalize import DIGIT_SEPARATORS, Normalized, normalize

PHONE = "phone"
EMAIL = "email"
URL = "url"
WECHAT = "wechat"
QQ = "qq"
PAYMENT = "payment"
BANK_CARD = "bank_card"

MASK = "***"
# How many of the sender's earlier messages a number split over several messages is looked for in.
EARLIER_MESSAGES = 4

# The platform's order numbers: the local date (YYYYMMDD) and ten digits (orders.services.checkout).
ORDER_NUMBER = re.compile(r"20\d{16}")
MAINLAND_MOBILE = re.compile(r"1[3-9]\d{9}")
SERVICE_NUMBER = re.compile(r"[48]00\d{7}")

_WECHAT_WORDS = (
    r"微\s*信|威\s*信|薇\s*信|徽\s*信|维\s*信|卫\s*星|v\s*信|v\s*x|v\s*[❤♥💗💕⭐]|加\s*v(?![a-z])|w\s*x|"
    r"wei\s*xin|we\s*chat|vchat|绿泡泡|wechat"
)
_QQ_WORDS = r"q\s*q|扣\s*扣|抠\s*抠|企鹅|球\s*球|q号"
_CONTACT_WORDS = r"加我|加一下|加下|联系我|联系方式|私聊我|电话|手机号?|号码|tel|phone|whatsapp|telegram|line\s*id"
_FILLER = r"(?:[^a-z0-9\n]|id){0,6}"
_ID = r"[a-z][a-z0-9_\-]{5,19}"

WECHAT_ID_AFTER = re.compile(rf"(?:{_WECHAT_WORDS}|{_CONTACT_WORDS}){_FILLER}(?P<id>{_ID})(?![a-z0-9_\-])", re.I)
WECHAT_ID_BEFORE = re.compile(rf"(?<![a-z0-9_\-])(?P<id>{_ID})\s*(?:是|为)?\s*我?的?\s*(?:{_WECHAT_WORDS})", re.I)
WECHAT_WORD = re.compile(_WECHAT_WORDS, re.I)
QQ_WORD = re.compile(_QQ_WORDS, re.I)
ADD_ME = re.compile(r"加我|加一下|加下|联系我|私聊我", re.I)
ANY_CONTACT_WORD = re.compile(rf"{_WECHAT_WORDS}|{_QQ_WORDS}|{_CONTACT_WORDS}|邮箱|e-?mail", re.I)
LONE_ID = re.compile(rf"\s*(?P<id>{_ID})\s*[。.!！~]*\s*", re.I)

_DOT = r"(?:\s*(?:\.|点|。|\(dot\)|\[dot\]|\sdot\s)\s*)"
_AT = r"(?:\s*(?:@|艾特|\(at\)|\[at\]|\{at\}|\sat\s)\s*)"
_TLD = (
    r"(?:com|cn|net|org|edu|gov|io|me|cc|top|xyz|info|co|hk|tw|jp|uk|us|vip|shop|site|link|app|online|store|"
    r"ly|gl|to|tk|ru)"
)
_MAIL_HOSTS = r"(?:qq|163|126|139|189|yeah|gmail|hotmail|outlook|yahoo|sina|sohu|foxmail|icloud|aliyun|live)"
EMAIL_ADDRESS = re.compile(
    rf"[a-z0-9][a-z0-9._%+\-]{{0,63}}{_AT}(?:[a-z0-9\-]{{1,63}}{_DOT})+{_TLD}(?![a-z])|"
    rf"[a-z0-9][a-z0-9._%+\-]{{0,63}}{_AT}{_MAIL_HOSTS}(?![a-z0-9])",
    re.I,
)
LINK = re.compile(
    rf"(?:https?://|www\.)[^\s<>\"'，。！？、）)】]+|"
    rf"(?<![a-z0-9@.\-])(?:[a-z0-9](?:[a-z0-9\-]{{0,61}}[a-z0-9])?{_DOT})+{_TLD}(?![a-z0-9])(?:/[^\s，。！？、）)】]*)?",
    re.I,
)
OUTSIDE_PAYMENT = re.compile(
    r"转\s*账|私下\s*(?:交易|付款|付|转|联系|买)|线下\s*(?:交易|付款|转)|"
    r"不\s*走\s*平台|绕\s*[过开]\s*平台|脱离平台|平台外\s*(?:交易|付)|站外\s*(?:交易|付)|"
    r"收\s*款\s*码|付\s*款\s*码|扫\s*码\s*付|打\s*款\s*到|汇\s*款\s*到|发\s*红\s*包\s*给\s*我",
    re.I,
)
BANK_WORDS = re.compile(
    r"银行|卡号|银联|储蓄卡|借记卡|信用卡|开户|工行|建行|农行|中行|招行|交行|账号|账户|转账|bank|card", re.I
)


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int  # [start, end) in the original text
    end: int


@dataclass(frozen=True)
class _Group:
    digits: str
    start: int  # [start, end) in the normalised text
    end: int


def contact_details_find(
    text: str,
    *,
    earlier: Sequence[str] = (),
    allowed_numbers: Collection[str] = (),
    own_hosts: Collection[str] = (),
) -> list[Finding]:
    """The contact details in `text` (a chat message, a caption, an offer's note), as spans of `text`.

    `earlier`: the same sender's previous messages in this conversation, oldest first (numbers split over
    messages). `allowed_numbers`: digits that belong to the conversation (its orders' numbers and tracking
    numbers). `own_hosts`: this site's host names, whose links are welcome."""
    normalized = normalize(text)
    lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in normalized.text)
    allowed = {re.sub(r"\D", "", number) for number in allowed_numbers if number}
    spans: list[tuple[str, int, int]] = []

    chains = _digit_chains(normalized.text)
    spans += _numbers(normalized.text, chains, allowed)
    spans += _numbers_split_over_messages(normalized.text, chains, earlier, allowed)
    spans += [(EMAIL, m.start(), m.end()) for m in EMAIL_ADDRESS.finditer(lowered)]
    spans += [(URL, m.start(), m.end()) for m in LINK.finditer(lowered) if not _own_link(m.group(), own_hosts)]
    spans += _messaging_ids(lowered, chains, earlier)
    spans += [(PAYMENT, m.start(), m.end()) for m in OUTSIDE_PAYMENT.finditer(lowered)]
    return _merged(spans, normalized)


def earlier_messages_matter(text: str) -> bool:
    """Whether the sender's earlier messages could change the verdict on `text`: it has digits (a number
    split over messages) or is a lone id (the word for it in the message before)."""
    normalized = normalize(text).text
    return any(char.isascii() and char.isdigit() for char in normalized) or bool(LONE_ID.fullmatch(normalized))


def contact_details_mask(text: str, findings: Sequence[Finding]) -> str:
    """`text` with every finding replaced by ***."""
    masked, position = [], 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.start < position:
            continue
        masked += [text[position : finding.start], MASK]
        position = finding.end
    masked.append(text[position:])
    return "".join(masked)


def _digit_chains(text: str) -> list[list[_Group]]:
    """Runs of digits joined by separators ("138 0013-8000" is one chain of three groups)."""
    chains: list[list[_Group]] = []
    for match in re.finditer(r"[0-9]+", text):
        group = _Group(match.group(), match.start(), match.end())
        if chains:
            last = chains[-1][-1]
            gap = text[last.end : group.start]
            # "¥13800.13，13800元": a comma after a decimal fraction ends a list item, not a digit group.
            after_fraction = len(last.digits) <= 2 and text[last.start - 1 : last.start] == "."
            if (
                len(gap) <= 3
                and all(char in DIGIT_SEPARATORS and char != "\n" for char in gap)
                and not (after_fraction and any(char in ",，、;；" for char in gap))
            ):
                chains[-1].append(group)
                continue
        chains.append([group])
    return chains


def _numbers(text: str, chains: list[list[_Group]], allowed: set[str]) -> list[tuple[str, int, int]]:
    spans = []
    for chain in chains:
        whole = "".join(group.digits for group in chain)
        if whole in allowed or ORDER_NUMBER.fullmatch(whole):
            continue
        plus = chain[0].start > 0 and text[chain[0].start - 1] == "+"
        spans += _phones_in_chain(chain, plus=plus, allowed=allowed)
        if _is_bank_card(whole) and (BANK_WORDS.search(text) or whole[:1] in "3456"):
            spans.append((BANK_CARD, chain[0].start, chain[-1].end))
    return spans


def _phones_in_chain(chain: Sequence[_Group], *, plus: bool, allowed: set[str]) -> list[tuple[str, int, int]]:
    """Phone numbers made of whole consecutive groups of the chain (never a slice of a longer number)."""
    spans, start = [], 0
    while start < len(chain):
        found = None
        digits = ""
        for end in range(start, len(chain)):
            digits += chain[end].digits
            if len(digits) > 16:
                break
            if digits not in allowed and _is_phone(digits, plus=plus and start == 0, groups=end - start + 1):
                found = end
        if found is None:
            start += 1
            continue
        spans.append((PHONE, chain[start].start - (1 if plus and start == 0 else 0), chain[found].end))
        start = found + 1
    return spans


def _is_phone(digits: str, *, plus: bool, groups: int) -> bool:
    national = digits
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and MAINLAND_MOBILE.fullmatch(digits[len(prefix) :]):
            return True
    if MAINLAND_MOBILE.fullmatch(national) or SERVICE_NUMBER.fullmatch(national):
        return True
    if national.startswith("0") and not national.startswith("00") and 10 <= len(national) <= 12:
        return _valid_number(national, region="CN")
    if plus or national.startswith("00"):
        return _valid_number("+" + national.removeprefix("00"), region=None)
    # A ten-digit number written in three groups as in North America: (415) 555-0100.
    return groups == 3 and len(national) == 10 and _valid_number(national, region="US")


def _valid_number(number: str, *, region: str | None) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number, region))
    except phonenumbers.NumberParseException:
        return False


def _is_bank_card(digits: str) -> bool:
    if not 16 <= len(digits) <= 19:
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _numbers_split_over_messages(
    text: str, chains: list[list[_Group]], earlier: Sequence[str], allowed: set[str]
) -> list[tuple[str, int, int]]:
    """A number whose first digits ended the sender's previous messages and whose rest begins this one."""
    if not chains or not earlier or text[: chains[0][0].start].strip(" \t\n-.,，。、:："):
        return []
    before: list[str] = []
    for message in reversed(earlier[-EARLIER_MESSAGES:]):
        message_text = normalize(message).text
        message_chains = _digit_chains(message_text)
        if not message_chains or message_text[message_chains[-1][-1].end :].strip(" \t\n-.,，。、:：!！"):
            break
        before.insert(0, "".join(group.digits for group in message_chains[-1]))
        if message_text[: message_chains[-1][0].start].strip(" \t\n-.,，。、:："):
            break  # words before the digits: the number began in this message
    head = chains[0]
    for first in range(len(before)):
        prefix = "".join(before[first:])
        digits = prefix
        for end, group in enumerate(head):
            digits += group.digits
            if digits not in allowed and _is_phone(digits, plus=False, groups=end + 1):
                return [(PHONE, head[0].start, group.end)]
    return []


def _messaging_ids(text: str, chains: list[list[_Group]], earlier: Sequence[str]) -> list[tuple[str, int, int]]:
    spans = []
    for pattern in (WECHAT_ID_AFTER, WECHAT_ID_BEFORE):
        for match in pattern.finditer(text):
            token = match.group("id")
            if any(char.isdigit() or char in "_-" for char in token) or re.search(r"号|id|：|:", match.group()):
                spans.append((WECHAT, match.start("id"), match.end("id")))
    # A QQ or WeChat number: 5 to 12 digits shortly after the word (a phone number is found anywhere).
    for word in (*QQ_WORD.finditer(text), *WECHAT_WORD.finditer(text), *ADD_ME.finditer(text)):
        for chain in chains:
            digits = "".join(group.digits for group in chain)
            if 0 <= chain[0].start - word.end() <= 8 and 5 <= len(digits) <= 12 and digits[0] != "0":
                spans.append((QQ if QQ_WORD.fullmatch(word.group()) else WECHAT, chain[0].start, chain[-1].end))
    # The word ended the previous message and this one is only the id ("加我微信" / "zhang_88").
    if earlier and ANY_CONTACT_WORD.search(normalize(earlier[-1]).text.lower()[-10:]):
        lone = LONE_ID.fullmatch(text)
        if lone and any(char.isdigit() or char in "_-" for char in lone.group("id")):
            spans.append((WECHAT, lone.start("id"), lone.end("id")))
        only_digits = re.fullmatch(r"[\s\d\-.]+", text)
        if only_digits and 5 <= len(re.sub(r"\D", "", text)) <= 12:
            spans.append((WECHAT, 0, len(text.rstrip())))
    return spans


def _own_link(link: str, own_hosts: Collection[str]) -> bool:
    host = re.sub(r"^(?:https?://)?", "", link).split("/", 1)[0].split(":", 1)[0].rstrip(".")
    return any(host == own or host.endswith("." + own) for own in own_hosts if own)


def _merged(spans: list[tuple[str, int, int]], normalized: Normalized) -> list[Finding]:
    findings: list[Finding] = []
    for kind, start, end in sorted(spans, key=lambda span: (span[1], -span[2])):
        if end <= start:
            continue
        original_start, original_end = normalized.span_in_original(start, end)
        if findings and original_start < findings[-1].end:
            last = findings[-1]
            findings[-1] = Finding(last.kind, last.start, max(last.end, original_end))
            continue
        findings.append(Finding(kind, original_start, original_end))
    return findings
