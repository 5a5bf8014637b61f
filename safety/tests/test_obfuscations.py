"""Property tests: any obfuscation of a random phone number or QQ id is found; ordinary figures never are."""

from hypothesis import given, settings
from hypothesis import strategies as st

from safety.contact import contact_details_find

FULL_WIDTH = {d: chr(0xFF10 + int(d)) for d in "0123456789"}
CHINESE = {
    "0": "零〇洞",
    "1": "一幺壹",
    "2": "二贰",
    "3": "三叁",
    "4": "四肆",
    "5": "五伍",
    "6": "六陆",
    "7": "七柒",
    "8": "八捌",
    "9": "九玖",
}
CIRCLED = {d: ("⓪" if d == "0" else chr(0x2460 + int(d) - 1)) for d in "0123456789"}
# One writer's separators: dots and dashes, or list commas (a comma after ".5" reads as a list of prices).
SEPARATOR_STYLES = [["", "", " ", "-", ".", "\u200b", " - "], ["", "", " ", "、", "，", "\u200b"]]

mobile = st.builds(
    lambda second, rest: "1" + second + rest,
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)


@st.composite
def obfuscated(draw, digits_strategy):
    digits = draw(digits_strategy)
    separators = draw(st.sampled_from(SEPARATOR_STYLES))
    out = []
    for position, digit in enumerate(digits):
        style = draw(st.sampled_from(["plain", "full", "chinese", "circled"]))
        if style == "full":
            out.append(FULL_WIDTH[digit])
        elif style == "chinese":
            out.append(draw(st.sampled_from(CHINESE[digit])))
        elif style == "circled":
            out.append(CIRCLED[digit])
        else:
            out.append(digit)
        if position < len(digits) - 1:
            out.append(draw(st.sampled_from(separators)))
    return digits, "".join(out)


@settings(max_examples=300, deadline=None)
@given(
    obfuscated(mobile),
    st.sampled_from(["", "电话 ", "打我", "call me ", "有事找 "]),
    st.sampled_from(["", " 谢谢", "，晚上打"]),
)
def test_any_obfuscated_mainland_mobile_is_found(number, before, after):
    _digits, written = number
    assert contact_details_find(before + written + after)


@settings(max_examples=200, deadline=None)
@given(
    obfuscated(st.text(alphabet="0123456789", min_size=5, max_size=10).filter(lambda s: s[0] != "0")),
    st.sampled_from(["QQ ", "扣扣：", "q q 号 ", "加我企鹅 "]),
)
def test_any_obfuscated_qq_number_after_its_word_is_found(number, word):
    _digits, written = number
    assert contact_details_find(word + written)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=99999),
    st.integers(min_value=0, max_value=99),
    st.sampled_from(["元", "块", "g", "kg", "斤", "件", "罐", "cm", "ml"]),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=28),
    st.integers(min_value=0, max_value=23),
)
def test_prices_weights_dates_and_times_are_never_found(amount, cents, unit, month, day, hour):
    text = f"¥{amount}.{cents:02d}，{amount}{unit}，{month}月{day}日 {hour:02d}:00 发货，2026-{month:02d}-{day:02d}"
    assert contact_details_find(text) == []
