"""Names that capitalisation alone cannot sort: places, official bodies, lunar years (data only).

`indexer.ingest.entities` finds names by rules, and rules cannot tell `Thái Lan` (a country) or
`Hà Đông` (a district of Hà Nội) from a person whose family name is Thái or Hà, nor `Đinh Dậu`
(a lunar year) from a man called Đinh. These lists can: a name here is that kind of thing and
not a person. Each entry is one value, its display form, followed by the other ways the press
writes it: `TP.HCM`, `HCM`, `Thành phố Hồ Chí Minh` are all `TP Hồ Chí Minh`. (Matching, in
`indexer.ingest.entities`, ignores punctuation and tone placement: `Bà Rịa-Vũng Tàu` is `Bà Rịa - Vũng
Tàu`, `Hoà Bình` is `Hòa Bình`.)

Sources:
- provinces and districts: the General Statistics Office of Viet Nam's list of administrative
  units (Danh mục đơn vị hành chính Việt Nam) of 2020-02, 2021-02 and 2025-01 together, so that
  the names 2017-2021 news uses before later mergers are all here. Districts are the
  district-level units (quận, huyện, thị xã, provincial cities) under their province, without
  the numbered ones (`Quận 1`) and the one-syllable ones that are also common given names
  (`Vinh`, `Chũ`, `Lắk`: those count as places after `TP`, `huyện` ... only). Hà Tây, merged
  into Hà Nội in 2008, is kept because articles still name it;
- countries: the Vietnamese names of Unicode CLDR (locale `vi`), with the forms the press uses
  beside them (`Mỹ` for `Hoa Kỳ`, `Úc` for `Australia`, transliterations such as `Xin-ga-po`);
- foreign cities, regions and seas: common Vietnamese names, chosen by hand;
- ministries and ministerial-level agencies: the Government of 2016-2021 (the period of the
  archives) with the bodies renamed or merged in 2025, full names first and the short forms and
  abbreviations the press uses after; a few central bodies and international organisations;
- the sixty lunar years (Can Chi): generated from the ten stems and twelve branches.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

# Kinds of entry. Places are the first five.
COUNTRY, PROVINCE, DISTRICT, FOREIGN, REGION = "country", "province", "district", "foreign", "region"
ORGANISATION, LUNAR_YEAR = "organisation", "lunar year"
PLACE_KINDS = frozenset({COUNTRY, PROVINCE, DISTRICT, FOREIGN, REGION})


@dataclass(frozen=True)
class Entry:
    display: str  # the one value shown, whichever alias the text used
    kind: str
    aliases: tuple[str, ...]  # as the text writes them, display first
    province_level_city: bool = False  # Hà Nội, Hải Phòng, Đà Nẵng, Cần Thơ, TP Hồ Chí Minh


# One entity a line: its display form, then other spellings, `|` between.
PROVINCE_LEVEL_CITIES = """
    Hà Nội
    Hải Phòng
    Đà Nẵng
    Cần Thơ
    TP Hồ Chí Minh | TP.HCM | TPHCM | HCM | thành phố Hồ Chí Minh | Sài Gòn
"""
PROVINCES = """
    An Giang
    Bà Rịa - Vũng Tàu | BR-VT
    Bắc Giang
    Bắc Kạn | Bắc Cạn
    Bạc Liêu
    Bắc Ninh
    Bến Tre
    Bình Định
    Bình Dương
    Bình Phước
    Bình Thuận
    Cà Mau
    Cao Bằng
    Đắk Lắk | Đắc Lắc | Đăk Lăk | Đắk Lăk | Daklak
    Đắk Nông | Đăk Nông | Đắc Nông
    Điện Biên
    Đồng Nai
    Đồng Tháp
    Gia Lai
    Hà Giang
    Hà Nam
    Hà Tây
    Hà Tĩnh
    Hải Dương
    Hậu Giang
    Hòa Bình
    Hưng Yên
    Khánh Hòa
    Kiên Giang
    Kon Tum | Kontum
    Lai Châu
    Lâm Đồng
    Lạng Sơn
    Lào Cai
    Long An
    Nam Định
    Nghệ An
    Ninh Bình
    Ninh Thuận
    Phú Thọ
    Phú Yên
    Quảng Bình
    Quảng Nam
    Quảng Ngãi
    Quảng Ninh
    Quảng Trị
    Sóc Trăng
    Sơn La
    Tây Ninh
    Thái Bình
    Thái Nguyên
    Thanh Hóa
    Thừa Thiên Huế | TT-Huế
    Tiền Giang
    Trà Vinh
    Tuyên Quang
    Vĩnh Long
    Vĩnh Phúc
    Yên Bái
"""
# District-level units, `province: district, district, ...` (a name may recur in several
# provinces, and may be its province's name too: one value all the same).
DISTRICTS = """
    Hà Nội: Ba Đình, Hoàn Kiếm, Tây Hồ, Long Biên, Cầu Giấy, Đống Đa, Hai Bà Trưng, Hoàng Mai,
        Thanh Xuân, Sóc Sơn, Đông Anh, Gia Lâm, Nam Từ Liêm, Thanh Trì, Bắc Từ Liêm, Mê Linh,
        Hà Đông, Sơn Tây, Ba Vì, Phúc Thọ, Đan Phượng, Hoài Đức, Quốc Oai, Thạch Thất, Chương Mỹ,
        Thanh Oai, Thường Tín, Phú Xuyên, Ứng Hòa, Mỹ Đức;
    Hà Giang: Hà Giang, Đồng Văn, Mèo Vạc, Yên Minh, Quản Bạ, Vị Xuyên, Bắc Mê, Hoàng Su Phì,
        Xín Mần, Bắc Quang, Quang Bình;
    Cao Bằng: Cao Bằng, Bảo Lâm, Bảo Lạc, Thông Nông, Hà Quảng, Trà Lĩnh, Trùng Khánh, Hạ Lang,
        Quảng Uyên, Phục Hoà, Hoà An, Nguyên Bình, Thạch An, Quảng Hòa;
    Bắc Kạn: Thành Phố Bắc Kạn, Pác Nặm, Ba Bể, Ngân Sơn, Bạch Thông, Chợ Đồn, Chợ Mới, Na Rì;
    Tuyên Quang: Tuyên Quang, Lâm Bình, Na Hang, Chiêm Hóa, Hàm Yên, Yên Sơn, Sơn Dương;
    Lào Cai: Lào Cai, Bát Xát, Mường Khương, Si Ma Cai, Bắc Hà, Bảo Thắng, Bảo Yên, Sa Pa, Văn Bàn;
    Điện Biên: Điện Biên Phủ, Thị Xã Mường Lay, Mường Nhé, Mường Chà, Tủa Chùa, Tuần Giáo,
        Điện Biên, Điện Biên Đông, Mường Ảng, Nậm Pồ;
    Lai Châu: Lai Châu, Tam Đường, Mường Tè, Sìn Hồ, Phong Thổ, Than Uyên, Tân Uyên, Nậm Nhùn;
    Sơn La: Sơn La, Quỳnh Nhai, Thuận Châu, Mường La, Bắc Yên, Phù Yên, Mộc Châu, Yên Châu,
        Mai Sơn, Sông Mã, Sốp Cộp, Vân Hồ;
    Yên Bái: Yên Bái, Nghĩa Lộ, Lục Yên, Văn Yên, Mù Căng Chải, Trấn Yên, Trạm Tấu, Văn Chấn,
        Yên Bình;
    Hoà Bình: Hòa Bình, Đà Bắc, Lương Sơn, Kim Bôi, Cao Phong, Tân Lạc, Mai Châu, Lạc Sơn,
        Yên Thủy, Lạc Thủy;
    Thái Nguyên: Thái Nguyên, Sông Công, Định Hóa, Phú Lương, Đồng Hỷ, Võ Nhai, Đại Từ, Phổ Yên,
        Phú Bình;
    Lạng Sơn: Lạng Sơn, Tràng Định, Bình Gia, Văn Lãng, Cao Lộc, Văn Quan, Bắc Sơn, Hữu Lũng,
        Chi Lăng, Lộc Bình, Đình Lập;
    Quảng Ninh: Hạ Long, Móng Cái, Cẩm Phả, Uông Bí, Bình Liêu, Tiên Yên, Đầm Hà, Hải Hà, Ba Chẽ,
        Vân Đồn, Đông Triều, Quảng Yên, Cô Tô;
    Bắc Giang: Bắc Giang, Yên Thế, Tân Yên, Lạng Giang, Lục Nam, Lục Ngạn, Sơn Động, Yên Dũng,
        Việt Yên, Hiệp Hòa, Thị Xã Việt Yên;
    Phú Thọ: Việt Trì, Phú Thọ, Đoan Hùng, Hạ Hoà, Thanh Ba, Phù Ninh, Yên Lập, Cẩm Khê, Tam Nông,
        Lâm Thao, Thanh Sơn, Thanh Thuỷ, Tân Sơn;
    Vĩnh Phúc: Vĩnh Yên, Phúc Yên, Lập Thạch, Tam Dương, Tam Đảo, Bình Xuyên, Yên Lạc, Vĩnh Tường,
        Sông Lô;
    Bắc Ninh: Bắc Ninh, Yên Phong, Quế Võ, Tiên Du, Từ Sơn, Thuận Thành, Gia Bình, Lương Tài;
    Hải Dương: Hải Dương, Chí Linh, Nam Sách, Kinh Môn, Kim Thành, Thanh Hà, Cẩm Giàng, Bình Giang,
        Gia Lộc, Tứ Kỳ, Ninh Giang, Thanh Miện;
    Hải Phòng: Hồng Bàng, Ngô Quyền, Lê Chân, Hải An, Kiến An, Đồ Sơn, Dương Kinh, Thuỷ Nguyên,
        An Dương, An Lão, Kiến Thuỵ, Tiên Lãng, Vĩnh Bảo, Cát Hải, Bạch Long Vĩ;
    Hưng Yên: Hưng Yên, Văn Lâm, Văn Giang, Yên Mỹ, Mỹ Hào, Ân Thi, Khoái Châu, Kim Động, Tiên Lữ,
        Phù Cừ;
    Thái Bình: Thái Bình, Quỳnh Phụ, Hưng Hà, Đông Hưng, Thái Thụy, Tiền Hải, Kiến Xương, Vũ Thư;
    Hà Nam: Phủ Lý, Duy Tiên, Kim Bảng, Thanh Liêm, Bình Lục, Lý Nhân;
    Nam Định: Nam Định, Mỹ Lộc, Vụ Bản, Ý Yên, Nghĩa Hưng, Nam Trực, Trực Ninh, Xuân Trường,
        Giao Thủy, Hải Hậu;
    Ninh Bình: Ninh Bình, Tam Điệp, Nho Quan, Gia Viễn, Hoa Lư, Yên Khánh, Kim Sơn, Yên Mô;
    Thanh Hóa: Thanh Hóa, Bỉm Sơn, Sầm Sơn, Mường Lát, Quan Hóa, Bá Thước, Quan Sơn, Lang Chánh,
        Ngọc Lặc, Cẩm Thủy, Thạch Thành, Hà Trung, Vĩnh Lộc, Yên Định, Thọ Xuân, Thường Xuân,
        Triệu Sơn, Thiệu Hóa, Hoằng Hóa, Hậu Lộc, Nga Sơn, Như Xuân, Như Thanh, Nông Cống,
        Đông Sơn, Quảng Xương, Tĩnh Gia, Nghi Sơn;
    Nghệ An: Cửa Lò, Thái Hoà, Quế Phong, Quỳ Châu, Kỳ Sơn, Tương Dương, Nghĩa Đàn, Quỳ Hợp,
        Quỳnh Lưu, Con Cuông, Tân Kỳ, Anh Sơn, Diễn Châu, Yên Thành, Đô Lương, Thanh Chương,
        Nghi Lộc, Nam Đàn, Hưng Nguyên, Hoàng Mai;
    Hà Tĩnh: Hà Tĩnh, Hồng Lĩnh, Hương Sơn, Đức Thọ, Vũ Quang, Nghi Xuân, Can Lộc, Hương Khê,
        Thạch Hà, Cẩm Xuyên, Kỳ Anh, Lộc Hà;
    Quảng Bình: Thành Phố Đồng Hới, Minh Hóa, Tuyên Hóa, Quảng Trạch, Bố Trạch, Quảng Ninh,
        Lệ Thủy, Ba Đồn;
    Quảng Trị: Đông Hà, Quảng Trị, Vĩnh Linh, Hướng Hóa, Gio Linh, Đa Krông, Cam Lộ, Triệu Phong,
        Hải Lăng, Cồn Cỏ;
    Thừa Thiên Huế: Huế, Phong Điền, Quảng Điền, Phú Vang, Hương Thủy, Hương Trà, A Lưới, Phú Lộc,
        Nam Đông, Thuận Hóa, Phú Xuân;
    Đà Nẵng: Liên Chiểu, Thanh Khê, Hải Châu, Sơn Trà, Ngũ Hành Sơn, Cẩm Lệ, Hòa Vang, Hoàng Sa;
    Quảng Nam: Tam Kỳ, Hội An, Tây Giang, Đông Giang, Đại Lộc, Điện Bàn, Duy Xuyên, Quế Sơn,
        Nam Giang, Phước Sơn, Hiệp Đức, Thăng Bình, Tiên Phước, Bắc Trà My, Nam Trà My, Núi Thành,
        Phú Ninh, Nông Sơn;
    Quảng Ngãi: Quảng Ngãi, Bình Sơn, Trà Bồng, Tây Trà, Sơn Tịnh, Tư Nghĩa, Sơn Hà, Sơn Tây,
        Minh Long, Nghĩa Hành, Mộ Đức, Đức Phổ, Ba Tơ, Lý Sơn;
    Bình Định: Qui Nhơn, An Lão, Hoài Nhơn, Hoài Ân, Phù Mỹ, Vĩnh Thạnh, Tây Sơn, Phù Cát, An Nhơn,
        Tuy Phước, Vân Canh, Quy Nhơn;
    Phú Yên: Tuy Hoà, Sông Cầu, Đồng Xuân, Tuy An, Sơn Hòa, Sông Hinh, Tây Hoà, Phú Hoà, Đông Hòa;
    Khánh Hòa: Nha Trang, Cam Ranh, Cam Lâm, Vạn Ninh, Ninh Hòa, Khánh Vĩnh, Diên Khánh, Khánh Sơn,
        Trường Sa;
    Ninh Thuận: Phan Rang-Tháp Chàm, Bác Ái, Ninh Sơn, Ninh Hải, Ninh Phước, Thuận Bắc, Thuận Nam;
    Bình Thuận: Phan Thiết, La Gi, Tuy Phong, Bắc Bình, Hàm Thuận Bắc, Hàm Thuận Nam, Tánh Linh,
        Đức Linh, Hàm Tân, Phú Quí;
    Kon Tum: Kon Tum, Đắk Glei, Ngọc Hồi, Đắk Tô, Kon Plông, Kon Rẫy, Đắk Hà, Sa Thầy, Tu Mơ Rông,
        Ia H' Drai;
    Gia Lai: Pleiku, An Khê, Ayun Pa, KBang, Đăk Đoa, Chư Păh, Ia Grai, Mang Yang, Kông Chro,
        Đức Cơ, Chư Prông, Chư Sê, Đăk Pơ, Ia Pa, Krông Pa, Phú Thiện, Chư Pưh;
    Đắk Lắk: Buôn Ma Thuột, Thị Xã Buôn Hồ, Ea H'leo, Ea Súp, Buôn Đôn, Cư M'gar, Krông Búk,
        Krông Năng, Ea Kar, M'Đrắk, Krông Bông, Krông Pắc, Krông A Na, Cư Kuin;
    Đắk Nông: Gia Nghĩa, Đăk Glong, Cư Jút, Đắk Mil, Krông Nô, Đắk Song, Đắk R'Lấp, Tuy Đức;
    Lâm Đồng: Đà Lạt, Bảo Lộc, Đam Rông, Lạc Dương, Lâm Hà, Đơn Dương, Đức Trọng, Di Linh, Bảo Lâm,
        Đạ Huoai, Đạ Tẻh, Cát Tiên;
    Bình Phước: Phước Long, Đồng Xoài, Bình Long, Bù Gia Mập, Lộc Ninh, Bù Đốp, Hớn Quản, Đồng Phú,
        Bù Đăng, Chơn Thành, Phú Riềng;
    Tây Ninh: Tây Ninh, Tân Biên, Tân Châu, Dương Minh Châu, Châu Thành, Hòa Thành, Gò Dầu,
        Bến Cầu, Trảng Bàng;
    Bình Dương: Thủ Dầu Một, Bàu Bàng, Dầu Tiếng, Bến Cát, Phú Giáo, Tân Uyên, Dĩ An, Thuận An,
        Bắc Tân Uyên;
    Đồng Nai: Biên Hòa, Long Khánh, Tân Phú, Vĩnh Cửu, Định Quán, Trảng Bom, Thống Nhất, Cẩm Mỹ,
        Long Thành, Xuân Lộc, Nhơn Trạch;
    Bà Rịa - Vũng Tàu: Vũng Tàu, Bà Rịa, Châu Đức, Xuyên Mộc, Long Điền, Đất Đỏ, Phú Mỹ, Côn Đảo,
        Long Đất;
    Long An: Tân An, Kiến Tường, Tân Hưng, Vĩnh Hưng, Mộc Hóa, Tân Thạnh, Thạnh Hóa, Đức Huệ,
        Đức Hòa, Bến Lức, Thủ Thừa, Tân Trụ, Cần Đước, Cần Giuộc, Châu Thành;
    Tiền Giang: Mỹ Tho, Gò Công, Cai Lậy, Tân Phước, Cái Bè, Châu Thành, Chợ Gạo, Gò Công Tây,
        Gò Công Đông, Tân Phú Đông;
    Bến Tre: Bến Tre, Châu Thành, Chợ Lách, Mỏ Cày Nam, Giồng Trôm, Bình Đại, Ba Tri, Thạnh Phú,
        Mỏ Cày Bắc;
    Trà Vinh: Trà Vinh, Càng Long, Cầu Kè, Tiểu Cần, Châu Thành, Cầu Ngang, Trà Cú, Duyên Hải;
    Vĩnh Long: Vĩnh Long, Long Hồ, Mang Thít,  Vũng Liêm, Tam Bình, Bình Minh, Trà Ôn, Bình Tân;
    Đồng Tháp: Cao Lãnh, Sa Đéc, Hồng Ngự, Tân Hồng, Tam Nông, Tháp Mười, Thanh Bình, Lấp Vò,
        Lai Vung, Châu Thành;
    An Giang: Long Xuyên, Châu Đốc, An Phú, Tân Châu, Phú Tân, Châu Phú, Tịnh Biên, Tri Tôn,
        Châu Thành, Chợ Mới, Thoại Sơn;
    Kiên Giang: Rạch Giá, Hà Tiên, Kiên Lương, Hòn Đất, Tân Hiệp, Châu Thành, Giồng Riềng, Gò Quao,
        An Biên, An Minh, Vĩnh Thuận, Phú Quốc, Kiên Hải, U Minh Thượng, Giang Thành;
    Cần Thơ: Ninh Kiều, Ô Môn, Bình Thuỷ, Cái Răng, Thốt Nốt, Vĩnh Thạnh, Cờ Đỏ, Phong Điền,
        Thới Lai;
    Hậu Giang: Vị Thanh, Ngã Bảy, Châu Thành A, Châu Thành, Phụng Hiệp, Vị Thuỷ, Long Mỹ;
    Sóc Trăng: Sóc Trăng, Châu Thành, Kế Sách, Mỹ Tú, Cù Lao Dung, Long Phú, Mỹ Xuyên, Ngã Năm,
        Thạnh Trị, Vĩnh Châu, Trần Đề;
    Bạc Liêu: Bạc Liêu, Hồng Dân, Phước Long, Vĩnh Lợi, Giá Rai, Đông Hải, Hoà Bình;
    Cà Mau: Cà Mau, U Minh, Thới Bình, Trần Văn Thời, Cái Nước, Đầm Dơi, Năm Căn, Phú Tân,
        Ngọc Hiển;
    TP Hồ Chí Minh: Thủ Đức, Gò Vấp, Bình Thạnh, Tân Bình, Tân Phú, Phú Nhuận, Bình Tân, Củ Chi,
        Hóc Môn, Bình Chánh, Nhà Bè, Cần Giờ;
"""
COUNTRIES = """
    Việt Nam
    Mỹ | Hoa Kỳ
    Trung Quốc
    Nhật Bản | Nhật
    Hàn Quốc | Nam Triều Tiên
    Triều Tiên | Bắc Triều Tiên | CHDCND Triều Tiên
    Đài Loan
    Hồng Kông | Hong Kong
    Ma Cao | Macau | Macao
    Mông Cổ
    Lào | CHDCND Lào
    Campuchia | Cam-pu-chia
    Thái Lan
    Myanmar | Miến Điện | Mi-an-ma
    Malaysia | Ma-lai-xi-a
    Singapore | Xin-ga-po | Xinhgapo
    Indonesia | In-đô-nê-xi-a | Inđônêxia
    Philippines | Philippin | Phi-líp-pin
    Brunei
    Đông Timor | Timor-Leste | Timor Leste
    Ấn Độ
    Pakistan
    Bangladesh
    Sri Lanka
    Nepal
    Bhutan
    Maldives
    Afghanistan
    Iran
    Iraq
    Syria | Xi-ri
    Li-băng | Lebanon | Liban
    Israel | I-xra-en
    Palestine | Pa-le-xtin
    Jordan
    Ả Rập Xê-út | Ả-rập Xê-út | Saudi Arabia | Arab Saudi | Ả Rập Saudi
    Các Tiểu vương quốc Ả Rập Thống nhất | UAE
    Qatar | Ca-ta
    Kuwait | Cô-oét
    Bahrain
    Oman
    Yemen
    Thổ Nhĩ Kỳ
    Nga | Liên bang Nga | LB Nga
    Ukraine | Ukraina | U-crai-na
    Belarus
    Kazakhstan | Ca-dắc-xtan
    Uzbekistan
    Kyrgyzstan
    Tajikistan
    Turkmenistan
    Azerbaijan
    Armenia
    Gruzia | Georgia
    Anh | Vương quốc Anh | Anh Quốc
    Scotland
    Ireland | Ai-len | Cộng hòa Ireland
    Pháp
    Đức | CHLB Đức
    Ý | Italy | Italia | I-ta-li-a
    Tây Ban Nha
    Bồ Đào Nha
    Hà Lan
    Bỉ
    Luxembourg
    Thụy Sĩ
    Áo
    Thụy Điển
    Na Uy
    Đan Mạch
    Phần Lan
    Iceland
    Ba Lan
    Séc | CH Séc | Cộng hòa Séc
    Slovakia
    Hungary | Hung-ga-ri
    Romania | Rumani | Ru-ma-ni
    Bulgaria | Bun-ga-ri
    Serbia | Xéc-bi-a
    Croatia
    Slovenia
    Bosnia và Herzegovina
    Montenegro
    Albania
    Bắc Macedonia | Macedonia
    Hy Lạp
    Síp | Cyprus
    Malta
    Estonia
    Latvia
    Litva | Lithuania
    Moldova
    Monaco
    Vatican | Tòa Thánh Vatican
    Ai Cập
    Libya
    Tunisia
    Algeria | An-giê-ri
    Ma-rốc | Morocco
    Sudan
    Nam Sudan
    Ethiopia
    Kenya
    Nigeria
    Ghana
    Senegal
    Bờ Biển Ngà
    Cameroon
    Angola
    Mozambique | Mô-dăm-bích
    Tanzania
    Uganda
    Rwanda
    Congo
    Zimbabwe
    Zambia
    Madagascar
    Somalia
    Mali
    Niger
    Nam Phi
    Canada
    Mexico | Mê-hi-cô
    Cuba
    Brazil | Braxin
    Argentina | Ác-hen-ti-na
    Chile | Chi-lê
    Peru | Pê-ru
    Colombia | Cô-lôm-bi-a
    Venezuela | Vê-nê-xu-ê-la
    Ecuador | Ê-cu-a-đo
    Bolivia
    Uruguay
    Paraguay
    Panama
    Costa Rica
    Guatemala
    Honduras
    Nicaragua
    El Salvador
    Jamaica
    Haiti
    Úc | Australia | Ô-xtrây-li-a
    New Zealand | Niu Di-lân
    Papua New Guinea
    Fiji
"""
FOREIGN_PLACES = """
    Bắc Kinh
    Thượng Hải
    Quảng Châu
    Thâm Quyến | Thẩm Quyến
    Vũ Hán
    Hồ Bắc
    Quảng Đông
    Quảng Tây
    Vân Nam
    Tân Cương
    Tây Tạng
    Đài Bắc
    Tokyo
    Osaka
    Seoul | Xơ-un
    Bình Nhưỡng | Pyongyang
    Bangkok | Băng Cốc
    Phnom Penh | Phnôm Pênh | Nông Pênh
    Viêng Chăn | Vientiane
    Yangon
    Kuala Lumpur
    Jakarta
    Manila
    New Delhi
    Dubai
    Jerusalem
    Moskva | Moscow | Mát-xcơ-va | Matxcơva
    London | Luân Đôn
    Paris
    Berlin
    Washington | Oa-sinh-tơn
    New York | Niu Oóc
    California
    Texas
    Florida
    Hawaii
    Sydney
    Crimea | Crưm
"""
REGIONS = """
    châu Á | Châu Á
    châu Âu | Châu Âu
    châu Phi | Châu Phi
    châu Mỹ | Châu Mỹ
    châu Đại Dương | Châu Đại Dương
    châu Á - Thái Bình Dương | Châu Á - Thái Bình Dương
    Đông Nam Á
    Đông Á
    Nam Á
    Trung Á
    Trung Đông
    Đông Âu
    Tây Âu
    Bắc Âu
    Bắc Phi
    Bắc Mỹ
    Nam Mỹ
    Mỹ Latinh | Mỹ La-tinh
    bán đảo Triều Tiên | Bán đảo Triều Tiên
    Biển Đông
    Hoàng Sa
    Trường Sa
    Thái Bình Dương
    Đại Tây Dương
    Ấn Độ Dương
    Bắc Cực
    Nam Cực
    Tây Nguyên
    Tây Bắc
    Việt Bắc
    Bắc Bộ
    Trung Bộ
    Nam Bộ
    Bắc Trung Bộ
    Nam Trung Bộ
    Đông Nam Bộ
    Tây Nam Bộ
    Đồng bằng sông Cửu Long | đồng bằng sông Cửu Long | ĐBSCL
    Đồng bằng sông Hồng | đồng bằng sông Hồng
    miền Bắc | Miền Bắc
    miền Trung | Miền Trung
    miền Nam | Miền Nam
    miền Tây | Miền Tây
"""
# Ministries and ministerial-level agencies: full name, then the short forms that name the same
# body (`Bộ Kế hoạch` alone is the Ministry of Planning and Investment).
MINISTRIES = """
    Bộ Quốc phòng
    Bộ Công an
    Bộ Ngoại giao
    Bộ Nội vụ
    Bộ Tư pháp
    Bộ Kế hoạch và Đầu tư | Bộ Kế hoạch - Đầu tư | Bộ KH&ĐT | Bộ KHĐT | Bộ Kế hoạch
    Bộ Tài chính
    Bộ Công Thương | Bộ Công thương
    Bộ Nông nghiệp và Phát triển nông thôn | Bộ NN&PTNT | Bộ NNPTNT | Bộ Nông nghiệp và PTNT
    Bộ Giao thông vận tải | Bộ Giao thông - Vận tải | Bộ GTVT | Bộ Giao thông
    Bộ Xây dựng
    Bộ Tài nguyên và Môi trường | Bộ Tài nguyên - Môi trường | Bộ TN&MT | Bộ TNMT | Bộ Tài nguyên
    Bộ Thông tin và Truyền thông | Bộ Thông tin - Truyền thông | Bộ TT&TT | Bộ TTTT | Bộ Thông tin
    Bộ Lao động - Thương binh và Xã hội | Bộ LĐ-TB&XH | Bộ LĐTB&XH | Bộ LĐTBXH | Bộ Lao động
    Bộ Văn hóa, Thể thao và Du lịch | Bộ VH-TT&DL | Bộ VHTT&DL | Bộ VHTTDL | Bộ Văn hóa
    Bộ Khoa học và Công nghệ | Bộ Khoa học - Công nghệ | Bộ KH&CN | Bộ KHCN | Bộ Khoa học
    Bộ Giáo dục và Đào tạo | Bộ Giáo dục - Đào tạo | Bộ GD&ĐT | Bộ GDĐT | Bộ Giáo dục
    Bộ Y tế
    Bộ Dân tộc và Tôn giáo
    Bộ Nông nghiệp và Môi trường
    Ủy ban Dân tộc
    Ngân hàng Nhà nước Việt Nam | Ngân hàng Nhà nước | NHNN
    Thanh tra Chính phủ
    Văn phòng Chính phủ
"""
CENTRAL_BODIES = """
    Chính phủ
    Quốc hội
    Bộ Chính trị
    Ban Bí thư
    Ban Chấp hành Trung ương | Ban Chấp hành Trung ương Đảng | BCH Trung ương | BCH TW | BCHTW
    Ủy ban Thường vụ Quốc hội | UBTV Quốc hội | UBTVQH
    Ban Tổ chức Trung ương
    Ban Tuyên giáo Trung ương
    Ban Dân vận Trung ương
    Ban Kinh tế Trung ương
    Ban Nội chính Trung ương
    Ban Đối ngoại Trung ương
    Ủy ban Kiểm tra Trung ương | UBKT Trung ương
    Văn phòng Trung ương Đảng
    Văn phòng Quốc hội
    Văn phòng Chủ tịch nước
    Đảng Cộng sản Việt Nam
    Mặt trận Tổ quốc Việt Nam | MTTQ Việt Nam
    Tòa án nhân dân tối cao | TAND tối cao | TANDTC
    Viện Kiểm sát nhân dân tối cao | VKSND tối cao | VKSNDTC
    Kiểm toán Nhà nước
    Tổng Liên đoàn Lao động Việt Nam
    Liên hợp quốc | Liên Hiệp Quốc | LHQ
    ASEAN | Hiệp hội các quốc gia Đông Nam Á
    Liên minh châu Âu | EU
    Tổ chức Y tế Thế giới | WHO
    Tổ chức Thương mại Thế giới | WTO
    Quỹ Tiền tệ Quốc tế | IMF
    Ngân hàng Thế giới | World Bank | WB
    Ngân hàng Phát triển châu Á | ADB
    Tổ chức Hiệp ước Bắc Đại Tây Dương | NATO
    FIFA
    AFF
    Liên đoàn Bóng đá Việt Nam | VFF
"""
# The ten heavenly stems and twelve earthly branches; a year pairs a stem and a branch of the
# same parity (Giáp Tý, Ất Sửu, ... Quý Hợi), sixty in all. `Tị`/`Tỵ`, `Kỉ`/`Kỷ` are one.
STEMS = "Giáp Ất Bính Đinh Mậu Kỷ Canh Tân Nhâm Quý".split()
BRANCHES = "Tý Sửu Dần Mão Thìn Tỵ Ngọ Mùi Thân Dậu Tuất Hợi".split()


def entries() -> Iterator[Entry]:
    """Every entry of every list."""
    yield from _lines(PROVINCE_LEVEL_CITIES, PROVINCE, province_level_city=True)
    yield from _lines(PROVINCES, PROVINCE)
    for line in " ".join(DISTRICTS.split()).split(";"):
        if line.strip():
            _, names = line.split(":")
            for name in names.split(","):
                yield Entry(name.strip(), DISTRICT, (name.strip(),))
    yield from _lines(COUNTRIES, COUNTRY)
    yield from _lines(FOREIGN_PLACES, FOREIGN)
    yield from _lines(REGIONS, REGION)
    yield from _lines(MINISTRIES, ORGANISATION)
    yield from _lines(CENTRAL_BODIES, ORGANISATION)
    for number in range(60):
        year = f"{STEMS[number % 10]} {BRANCHES[number % 12]}"
        yield Entry(year, LUNAR_YEAR, (year,))


def _lines(table: str, kind: str, province_level_city: bool = False) -> Iterator[Entry]:
    for line in table.strip().splitlines():
        aliases = tuple(alias.strip() for alias in line.split("|"))
        yield Entry(aliases[0], kind, aliases, province_level_city)
