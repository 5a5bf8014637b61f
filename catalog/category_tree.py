"""The base category tree, created by a data migration so a fresh database has it."""

# (slug, 中文, English, icon, children)
BASE_TREE = [
    (
        "food",
        "食品",
        "Food",
        "🥬",
        [
            ("pickles", "腌菜", "Pickles"),
            ("cured-meat", "腊味", "Cured meat"),
            ("tofu", "豆制品", "Tofu products"),
            ("tea", "茶叶", "Tea"),
            ("fruit", "水果", "Fruit"),
            ("rice-grain", "米面粮油", "Rice and grain"),
            ("honey", "蜂蜜", "Honey"),
            ("snacks", "零食", "Snacks"),
        ],
    ),
    (
        "furniture",
        "家具",
        "Furniture",
        "🪑",
        [
            ("chairs", "椅凳", "Chairs and stools"),
            ("tables", "桌几", "Tables"),
            ("cabinets", "柜架", "Cabinets"),
            ("beds", "床", "Beds"),
        ],
    ),
    (
        "clothing",
        "服装",
        "Clothing",
        "👗",
        [
            ("womens", "女装", "Women's"),
            ("mens", "男装", "Men's"),
            ("hanfu", "汉服", "Hanfu"),
            ("shoes", "鞋靴", "Shoes"),
        ],
    ),
    (
        "beauty",
        "美妆",
        "Beauty",
        "💄",
        [
            ("lipstick", "口红", "Lipstick"),
            ("skincare", "护肤", "Skincare"),
            ("fragrance", "香水", "Fragrance"),
        ],
    ),
    (
        "crafts",
        "手工艺",
        "Crafts",
        "🧺",
        [
            ("ceramics", "陶瓷", "Ceramics"),
            ("bamboo", "竹编", "Bamboo weaving"),
            ("embroidery", "刺绣", "Embroidery"),
        ],
    ),
    (
        "home",
        "家居",
        "Home",
        "🏠",
        [
            ("kitchen", "厨具", "Kitchen"),
            ("textiles", "家纺", "Home textiles"),
        ],
    ),
]


def category_tree_ensure(category_model) -> None:
    """Idempotent: creates what is missing, keeps what operators changed."""
    for top_order, (slug, name, name_en, icon, children) in enumerate(BASE_TREE):
        parent, _ = category_model.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "icon": icon, "sort_order": top_order}
        )
        for order, (child_slug, child_name, child_en) in enumerate(children):
            category_model.objects.get_or_create(
                slug=child_slug,
                defaults={"name": child_name, "name_en": child_en, "parent": parent, "sort_order": order},
            )
