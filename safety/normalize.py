"""Normalising chat text before looking for contact details, keeping where each character came from.

People hide a phone number from a filter by writing it with full-width digits (１３８), circled numbers (①③⑧),
Chinese numerals (一三八, 壹叁捌, 幺三八, 零/〇/洞), letters that look like digits (13８OO1…), zero-width
characters between digits, or separators ("138 0013-8000"). `normalize` undoes these and returns the text with
a map from every normalised character back to the character of the original text it came from, so the spans
found in the normalised text can be masked in the original.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Chinese numerals as digits (lower and upper case, plus the spoken variants used for phone numbers).
CHINESE_DIGITS = {
    "零": "0",
    "〇": "0",
    "○": "0",
    "洞": "0",
    "一": "1",
    "幺": "1",
    "壹": "1",
    "二": "2",
    "两": "2",
    "贰": "2",
    "貳": "2",
    "三": "3",
    "叁": "3",
    "參": "3",
    "四": "4",
    "肆": "4",
    "五": "5",
    "伍": "5",
    "六": "6",
    "陆": "6",
    "陸": "6",
    "七": "7",
    "柒": "7",
    "拐": "7",
    "八": "8",
    "捌": "8",
    "九": "9",
    "玖": "9",
    "勾": "9",
}

# Letters that stand for digits, only where they sit between digits ("138OO13800O").
DIGIT_LOOKALIKES = {"o": "0", "O": "0", "D": "0", "l": "1", "I": "1", "|": "1", "i": "1", "Z": "2", "S": "5", "B": "8"}

# Letters from other scripts that look like Latin ones (so "wеchat" with a Cyrillic е is still "wechat").
CONFUSABLES = str.maketrans(
    {
        "а": "a",
        "е": "e",
        "о": "o",
        "р": "p",
        "с": "c",
        "у": "y",
        "х": "x",
        "і": "i",
        "ј": "j",
        "ѕ": "s",
        "ԁ": "d",
        "ɡ": "g",
        "ν": "v",
        "ο": "o",
        "α": "a",
        "Α": "A",
        "Β": "B",
        "Ε": "E",
        "Κ": "K",
        "Μ": "M",
        "Ν": "N",
        "Ο": "O",
        "Ρ": "P",
        "Τ": "T",
        "Χ": "X",
        "А": "A",
        "В": "B",
        "Е": "E",
        "К": "K",
        "М": "M",
        "Н": "H",
        "О": "O",
        "Р": "P",
        "С": "C",
        "Т": "T",
        "Х": "X",
        "✌": "V",
    }
)

# Characters that may stand between the digits of one number: spaces, dashes, dots and brackets.
DIGIT_SEPARATORS = frozenset(" \t\n-‐‑‒–—―_.·•,、，。/\\|()[]（）【】{}~～:：*+'\"")


@dataclass(frozen=True)
class Normalized:
    text: str
    origin: tuple[int, ...]  # origin[i] = index in the original text of normalised character i

    def span_in_original(self, start: int, end: int) -> tuple[int, int]:
        """The original text's [start, end) that normalised characters [start, end) came from."""
        return self.origin[start], self.origin[end - 1] + 1


def _is_invisible(char: str) -> bool:
    # Zero-width spaces and joiners, directional marks, variation selectors, combining keycaps (1️⃣).
    return unicodedata.category(char) in ("Cf", "Mn", "Me") or char in "\u200b\u2060\ufeff"


def normalize(text: str) -> Normalized:
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if _is_invisible(char):
            continue
        if char in CHINESE_DIGITS:
            folded = CHINESE_DIGITS[char]
        else:
            folded = unicodedata.normalize("NFKC", char.translate(CONFUSABLES))
        for piece in folded:
            if _is_invisible(piece):
                continue
            chars.append(piece)
            origin.append(index)
    _digits_for_lookalikes(chars)
    return Normalized("".join(chars), tuple(origin))


def _digits_for_lookalikes(chars: list[str]) -> None:
    """Letters that look like digits become digits when they sit in a number: 138OO138OOO → 13800138000.

    A run of such letters counts when digits stand on both sides (separators allowed between), or when it
    touches a digit on one side and no other letter on the other ("138OO", but not "iOS" or "Bob")."""

    def is_digit(char: str | None) -> bool:
        return char is not None and char.isascii() and char.isdigit()

    def is_letter(char: str | None) -> bool:
        return char is not None and char.isascii() and char.isalpha()

    def digit_near(position: int, step: int) -> bool:
        while 0 <= position < len(chars):
            char = chars[position]
            if is_digit(char):
                return True
            if char in DIGIT_LOOKALIKES or (char in DIGIT_SEPARATORS and char != "\n"):
                position += step
                continue
            return False
        return False

    position = 0
    while position < len(chars):
        if chars[position] not in DIGIT_LOOKALIKES:
            position += 1
            continue
        end = position
        while end < len(chars) and chars[end] in DIGIT_LOOKALIKES:
            end += 1
        left = chars[position - 1] if position else None
        right = chars[end] if end < len(chars) else None
        in_number = (digit_near(position - 1, -1) and digit_near(end, 1)) or (
            (is_digit(left) and not is_letter(right)) or (is_digit(right) and not is_letter(left))
        )
        if in_number:
            for index in range(position, end):
                chars[index] = DIGIT_LOOKALIKES[chars[index]]
        position = end
