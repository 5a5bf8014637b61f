"""The demo's shops and products, as data: the sellers of PRODUCT.md (a Hunan farm, a furniture workshop, a
fashion shop, a beauty shop, a tea garden) with their products, SKUs and the pictures' subjects.
marketplace.demo_catalog seeds them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoProduct:
    title: str  # "中文名 English name": the Chinese part is written on the cover
    category: str
    english: str  # the short English name under it
    description: str
    skus: list[tuple[str, str, int]]
    subject: str  # what marketplace.demo_pictures draws
    listed_days_ago: int  # "new arrivals" are the most recently listed

    @property
    def chinese(self) -> str:
        return self.title.split(" ")[0]


@dataclass(frozen=True)
class DemoShop:
    owner: str
    name: str
    province: str
    city: str
    village: str
    contact: str
    description: str
    theme: str  # the banner's scene
    products: list[DemoProduct]
    mark: str = ""  # the logo's character when the first one says little ("小…")

    @property
    def opened_days_ago(self) -> int:
        return max(p.listed_days_ago for p in self.products) + 20


SHOPS = [
    DemoShop(
        owner="farmer",
        name="湖南老农家",
        province="湖南",
        city="湘西",
        village="芙蓉镇石板村",
        contact="微信 laonongjia",
        theme="fields",
        description="我们一家三代在湘西种菜、养猪。腌萝卜是奶奶的手艺，腊肉用自家柴火慢慢熏。\n"
        "Three generations of our family farm in western Hunan. Grandma makes the pickles; "
        "the bacon is smoked over our own wood fire.",
        products=[
            DemoProduct(
                "湖南农家腌萝卜 Hunan Pickled Radish",
                "pickles",
                "Pickled radish",
                "自家种的白萝卜，晒干后用辣椒、蒜和盐腌制三个月。酸辣爽脆，下饭一绝。\n"
                "Home-grown radish, sun-dried, pickled for three months with chilli, garlic and salt.",
                [("500 g 罐装", "28.00", 120), ("1 kg 罐装", "50.00", 60)],
                "pickle-jar",
                210,
            ),
            DemoProduct(
                "农家烟熏腊肠 Smoked Pork Sausage",
                "cured-meat",
                "Smoked sausage",
                "土猪肉灌制，柴火烟熏四十天。微辣，蒸二十分钟即可。",
                [("500 g", "68.00", 80), ("1 kg 礼盒", "128.00", 30)],
                "sausage",
                160,
            ),
            DemoProduct(
                "手工五香豆腐干 Spiced Dried Tofu",
                "tofu",
                "Dried tofu",
                "石磨黄豆，手工压制，五香卤汁慢煮。",
                [("250 g", "18.00", 200)],
                "dried-tofu",
                120,
            ),
            DemoProduct(
                "湘西腊肉 Xiangxi Smoked Bacon",
                "cured-meat",
                "Smoked bacon",
                "五花腊肉，咸香带辣。辣度可以在聊天里告诉我们。",
                [("1 kg", "128.00", 40)],
                "bacon",
                95,
            ),
        ],
    ),
    DemoShop(
        owner="carpenter",
        name="东风村木艺",
        province="江苏",
        city="宿迁",
        village="沭阳县东风村",
        contact="电话 0527-0000000",
        theme="workshop",
        description="东风村是有名的淘宝村，我们的作坊做了十五年实木家具。\n"
        "Dongfeng is a well-known Taobao village; our workshop has made solid-wood furniture for 15 years.",
        products=[
            DemoProduct(
                "实木小板凳 Solid Wood Stool",
                "chairs",
                "Wood stool",
                "榆木整料，榫卯结构，不用一颗钉子。",
                [("矮款 30 cm", "89.00", 50), ("高款 45 cm", "109.00", 35)],
                "stool",
                300,
            ),
            DemoProduct(
                "原木餐桌 Oak Dining Table",
                "tables",
                "Dining table",
                "白橡木，桌面 4 cm 厚，包物流上门。",
                [("1.2 m", "1299.00", 8), ("1.4 m", "1499.00", 5)],
                "dining-table",
                250,
            ),
            DemoProduct(
                "实木书架 Bookshelf",
                "cabinets",
                "Bookshelf",
                "五层书架，承重好，安装简单。",
                [("五层", "459.00", 12)],
                "bookshelf",
                45,
            ),
            DemoProduct(
                "实木靠背餐椅 Solid Wood Dining Chair",
                "chairs",
                "Dining chair",
                "榉木框架，亚麻坐垫可拆洗；和原木餐桌是一套。",
                [("单把", "269.00", 24), ("两把装", "519.00", 10)],
                "chair",
                6,
            ),
        ],
    ),
    DemoShop(
        owner="fashion",
        name="小鹿原创女装",
        province="浙江",
        city="杭州",
        village="",
        contact="",
        theme="floral",
        mark="鹿",
        description="原创设计，小批量生产。Original designs, made in small batches.",
        products=[
            DemoProduct(
                "碎花连衣裙 Floral Summer Dress",
                "womens",
                "Floral dress",
                "雪纺面料，清新碎花。",
                [("S", "159.00", 20), ("M", "159.00", 25), ("L", "159.00", 15)],
                "dress",
                30,
            ),
            DemoProduct(
                "改良汉服上衣 Modern Hanfu Top",
                "hanfu",
                "Hanfu top",
                "日常可穿的改良汉服。",
                [("M", "229.00", 10), ("L", "229.00", 8)],
                "hanfu-top",
                12,
            ),
            DemoProduct(
                "男士亚麻衬衫 Men's Linen Shirt",
                "mens",
                "Linen shirt",
                "水洗亚麻，透气不闷，越穿越软。",
                [("M", "199.00", 18), ("L", "199.00", 20), ("XL", "199.00", 12)],
                "linen-shirt",
                3,
            ),
        ],
    ),
    DemoShop(
        owner="beauty",
        name="小美美妆",
        province="广东",
        city="广州",
        village="",
        contact="",
        theme="studio",
        mark="美",
        description="口红测评博主自己的店：每一支都亲自试色。A lipstick reviewer's own shop.",
        products=[
            DemoProduct(
                "丝绒哑光口红 Velvet Matte Lipstick",
                "lipstick",
                "Lipstick",
                "哑光不拔干，三个色号。",
                [("#01 正红", "89.00", 60), ("#02 豆沙", "89.00", 60), ("#03 枫叶", "89.00", 40)],
                "lipstick",
                80,
            ),
            DemoProduct(
                "玫瑰保湿面霜 Rose Moisturiser",
                "skincare",
                "Moisturiser",
                "保加利亚玫瑰精油，温和保湿。",
                [("50 ml", "129.00", 45)],
                "face-cream",
                60,
            ),
            DemoProduct(
                "桂花淡香水 Osmanthus Eau de Toilette",
                "fragrance",
                "Osmanthus perfume",
                "秋天桂花的甜香，清淡不腻，留香四小时。",
                [("30 ml", "168.00", 30), ("50 ml", "238.00", 20)],
                "perfume",
                2,
            ),
        ],
    ),
    DemoShop(
        owner="teafarm",
        name="云岭茶园",
        province="云南",
        city="普洱",
        village="澜沧县景迈山",
        contact="",
        theme="tea",
        description="景迈山上的古茶园，春茶手工采摘、日晒、石磨压饼。山上的蜜蜂也帮我们酿蜂蜜。\n"
        "An old tea garden on Jingmai Mountain: spring leaves picked by hand, sun-dried and pressed into cakes; "
        "the mountain's bees make our honey.",
        products=[
            DemoProduct(
                "景迈山普洱熟茶饼 Jingmai Pu'er Tea Cake",
                "tea",
                "Pu'er tea cake",
                "古树春茶，357 克一饼，越放越醇。",
                [("357 g 一饼", "198.00", 40), ("七饼一提", "1280.00", 6)],
                "tea-cake",
                40,
            ),
            DemoProduct(
                "野生土蜂蜜 Wild Mountain Honey",
                "honey",
                "Wild honey",
                "山里野生中华蜂一年只取一次的百花蜜，自然结晶。",
                [("500 g", "88.00", 50)],
                "honey",
                9,
            ),
        ],
    ),
]
