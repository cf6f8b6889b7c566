"""Vietnamese-sounding fictional place names and the model templates of the demo province."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

PROVINCE_NAME = "An Hòa"
CITY_NAME = "An Hòa"  # the provincial city carries the province's name, as most do
RURAL_DISTRICT_NAMES = (
    "Yên Sơn",
    "Tân Lạc",
    "Phú Bình",
    "Đông Hưng",
    "Vĩnh Lộc",
    "Kim Thành",
    "Thanh Hà",
    "Xuân Trường",
)

# Two-syllable names built from the syllables real commune names use most.
FIRST_SYLLABLES = (
    "An", "Bình", "Cẩm", "Đại", "Đông", "Đức", "Hòa", "Hồng", "Hưng", "Hợp", "Kim", "Lạc", "Liên", "Long",
    "Minh", "Nam", "Nghĩa", "Ngọc", "Phú", "Phúc", "Quang", "Quảng", "Tân", "Thanh", "Thạch", "Thái",
    "Thuận", "Tiên", "Trung", "Vĩnh", "Xuân", "Yên", "Hải", "Mỹ", "Lam", "Văn",
)  # fmt: skip
SECOND_SYLLABLES = (
    "An", "Bình", "Cường", "Đạo", "Điền", "Đồng", "Hà", "Hải", "Hòa", "Hưng", "Khánh", "Lạc", "Lâm",
    "Lộc", "Lợi", "Long", "Minh", "Mỹ", "Nghĩa", "Phong", "Phú", "Phúc", "Sơn", "Tân", "Thành", "Thịnh",
    "Thọ", "Thủy", "Tiến", "Trung", "Trường", "Vinh", "Xá", "Yên", "Quang", "Châu",
)  # fmt: skip

# Wards are often named after historical figures or the quarter's direction.
WARD_NAMES = (
    "Quang Trung", "Trần Phú", "Lê Lợi", "Nguyễn Trãi", "Hoàng Diệu", "Lý Thường Kiệt", "Hai Bà Trưng",
    "Đông Thành", "Tây Sơn", "Bắc Hà", "Nam Thành", "Tân Bình", "Phú Lợi", "Hưng Đạo", "Minh Khai",
    "Thanh Bình", "Ngô Quyền", "Lê Hồng Phong", "Trần Hưng Đạo", "Kỳ Bá",
)  # fmt: skip


def commune_names(rng: np.random.Generator, count: int, exclude: Iterable[str] = ()) -> list[str]:
    """``count`` distinct two-syllable names, none of them a district's name or in ``exclude``."""
    taken = set(RURAL_DISTRICT_NAMES) | {CITY_NAME} | set(exclude)
    names: list[str] = []
    while len(names) < count:
        first = FIRST_SYLLABLES[rng.integers(len(FIRST_SYLLABLES))]
        second = SECOND_SYLLABLES[rng.integers(len(SECOND_SYLLABLES))]
        name = f"{first} {second}"
        if first != second and name not in taken:
            taken.add(name)
            names.append(name)
    return names


# Model templates: (name, field, lead organisations that typically run it, levels it appears at).
# Names follow the examples the seed articles cite.
MODEL_TEMPLATES = (
    ("Tiếng kẻng an ninh", "An ninh trật tự", ("Công an", "Mặt trận Tổ quốc"), "HX"),
    ("Camera an ninh", "An ninh trật tự", ("Công an",), "THX"),
    ("Zalo cộng đồng", "An ninh trật tự", ("Công an", "Đoàn Thanh niên"), "THX"),
    ("Cổng barie an ninh trật tự", "An ninh trật tự", ("Mặt trận Tổ quốc", "Công an"), "X"),
    ("“Ông kể cháu nghe”", "An ninh trật tự", ("Hội Cựu chiến binh",), "HX"),
    ("“5 không” trong trường học", "Học đường", ("Đoàn Thanh niên", "Công an"), "THX"),
    ("Cơ quan, doanh nghiệp không có ma túy", "Phòng, chống ma túy", ("Liên đoàn Lao động", "Công an"), "TH"),
    ("Tự quản, bảo vệ đường biên, cột mốc", "Biên giới", ("Công an", "Hội Nông dân"), "HX"),
    ("Dòng họ không có người vi phạm pháp luật", "An ninh trật tự", ("Mặt trận Tổ quốc",), "X"),
    ("Chi hội phụ nữ không có người thân vi phạm pháp luật", "An ninh trật tự", ("Hội Phụ nữ",), "HX"),
    ("Thanh niên xung kích giữ gìn an ninh trật tự", "An ninh trật tự", ("Đoàn Thanh niên",), "HX"),
    ("Thôn, xóm không có ma túy", "Phòng, chống ma túy", ("Công an", "Hội Phụ nữ"), "X"),
    ("Tuyến đường tự quản về trật tự an toàn giao thông", "Trật tự an toàn giao thông",
     ("Đoàn Thanh niên", "Công an"), "HX"),
    ("Cổng trường an toàn giao thông", "Trật tự an toàn giao thông", ("Đoàn Thanh niên",), "THX"),
    ("Tự quản an ninh trật tự trong khu công nghiệp", "Khu công nghiệp",
     ("Liên đoàn Lao động", "Công an"), "TH"),
    ("Tổ công nhân tự quản khu nhà trọ", "Khu công nghiệp", ("Liên đoàn Lao động",), "HX"),
    ("Giáo xứ bình yên", "Tôn giáo", ("Mặt trận Tổ quốc",), "HX"),
    ("Nhà chùa tham gia giữ gìn an ninh trật tự", "Tôn giáo", ("Mặt trận Tổ quốc",), "X"),
    ("Cựu chiến binh tham gia giữ gìn an ninh trật tự", "An ninh trật tự", ("Hội Cựu chiến binh",), "HX"),
    ("Nông dân tham gia bảo vệ an ninh trật tự", "An ninh trật tự", ("Hội Nông dân",), "HX"),
    ("Quản lý, giáo dục thanh, thiếu niên có nguy cơ vi phạm pháp luật", "An ninh trật tự",
     ("Đoàn Thanh niên", "Công an"), "TH"),
    ("Cụm liên kết bảo đảm an ninh trật tự khu vực giáp ranh", "An ninh trật tự", ("Công an",), "TH"),
    ("Tổ hòa giải ở cơ sở", "An ninh trật tự", ("Mặt trận Tổ quốc", "Hội Nông dân"), "X"),
)  # fmt: skip
