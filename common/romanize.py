"""Chinese names for English readers: a province's English name, else pinyin by word.

"湖南" → "Hunan", "湘西" → "Xiangxi", "湖南老农家" → "Hunan Laonong Jia". Sellers write their shop's name
and origin in Chinese; an English page shows both (湖南老农家 · Hunan Laonong Jia) so a buyer can read
and still recognise the name on a parcel."""

from __future__ import annotations

import re
from functools import lru_cache

import jieba
from pypinyin import lazy_pinyin

# The English names of China's provinces, municipalities, autonomous regions and SARs.
PROVINCES_EN = {
    "北京": "Beijing",
    "天津": "Tianjin",
    "上海": "Shanghai",
    "重庆": "Chongqing",
    "河北": "Hebei",
    "山西": "Shanxi",
    "辽宁": "Liaoning",
    "吉林": "Jilin",
    "黑龙江": "Heilongjiang",
    "江苏": "Jiangsu",
    "浙江": "Zhejiang",
    "安徽": "Anhui",
    "福建": "Fujian",
    "江西": "Jiangxi",
    "山东": "Shandong",
    "河南": "Henan",
    "湖北": "Hubei",
    "湖南": "Hunan",
    "广东": "Guangdong",
    "海南": "Hainan",
    "四川": "Sichuan",
    "贵州": "Guizhou",
    "云南": "Yunnan",
    "陕西": "Shaanxi",
    "甘肃": "Gansu",
    "青海": "Qinghai",
    "台湾": "Taiwan",
    "内蒙古": "Inner Mongolia",
    "广西": "Guangxi",
    "西藏": "Tibet",
    "宁夏": "Ningxia",
    "新疆": "Xinjiang",
    "香港": "Hong Kong",
    "澳门": "Macao",
}
_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def has_chinese(text: str) -> bool:
    return bool(_CJK.search(text or ""))


def province_en(name: str) -> str | None:
    """ "湖南" or "湖南省" → "Hunan"; None for a name that is not a province."""
    name = (name or "").strip()
    if name in PROVINCES_EN:
        return PROVINCES_EN[name]
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and name[: -len(suffix)] in PROVINCES_EN:
            return PROVINCES_EN[name[: -len(suffix)]]
    return None


@lru_cache(maxsize=4096)
def romanize(text: str) -> str:
    """The text in pinyin, a capitalised word per Chinese word (provinces by their English names);
    "" when there is nothing Chinese to romanise."""
    if not has_chinese(text):
        return ""
    province = province_en(text)
    if province:
        return province
    words = []
    for word in (w for w in jieba.cut(text) if w.strip()):
        if not has_chinese(word):
            words.append(word)
            continue
        english = PROVINCES_EN.get(word)
        words.append(english or "".join(lazy_pinyin(word)).capitalize())
    return " ".join(w for w in words if w.strip())


def with_english(text: str) -> str:
    """ "湖南老农家 · Hunan Laonong Jia" for a Chinese name the seller gave no English for; else the text."""
    if not text or not has_chinese(text) or _LATIN.search(text):
        return text
    english = romanize(text)
    return f"{text} · {english}" if english else text
