import json
from pathlib import Path

from indexer.ingest.entities import find_entities


def test_people_places_and_organisations() -> None:
    found = find_entities(
        "Phát biểu tại Hội nghị, đồng chí Trương Thị Mai – Ủy viên Bộ Chính trị, Trưởng Ban Tổ chức "
        "Trung ương ghi nhận. Bí thư Thành uỷ Hải Phòng Lê Tiến Châu dự hội nghị cùng đồng chí Ksor Tuối, "
        "Sở Nội vụ tỉnh Nghệ An và UBND xã Nga Sơn."
    )
    assert set(found.people) == {"Trương Thị Mai", "Lê Tiến Châu", "Ksor Tuối"}
    assert set(found.places) == {"Hải Phòng", "Nghệ An", "Nga Sơn"}
    assert {"Bộ Chính trị", "Ban Tổ chức Trung ương", "Thành ủy Hải Phòng", "Sở Nội vụ"} <= set(
        found.organisations
    )


def test_names_do_not_run_across_punctuation_or_into_the_next_name() -> None:
    found = find_entities(
        "Sáng nay, tại Hà Nội, Ban Tổ chức Trung ương họp. Bí thư Tỉnh ủy Đỗ Trọng Hưng phát biểu."
    )
    assert "Hà Nội" in found.places and "Ban Tổ chức Trung ương" in found.organisations
    assert found.people == ("Đỗ Trọng Hưng",)
    assert not any("Đỗ" in name for name in found.organisations + found.places)


def test_a_place_that_starts_like_a_family_name_is_not_a_person() -> None:
    found = find_entities("Đoàn công tác đến Hà Nội và Hà Tĩnh.")
    assert found.people == () and set(found.places) == {"Hà Nội", "Hà Tĩnh"}


def test_titles_and_offices_are_not_names() -> None:
    found = find_entities("Ông Nguyễn Văn Minh, Giám đốc Sở, và đồng chí Trưởng Ban cùng dự.")
    assert found.people == ("Nguyễn Văn Minh",)


def test_tone_placement_of_names_is_canonical() -> None:
    assert find_entities("Thành uỷ Hải Phòng họp.").organisations == ("Thành ủy Hải Phòng",)


# --- what the real news showed (hand-written sentences, not news text) ---------------------------


def test_countries_lunar_years_districts_and_leagues_are_not_people() -> None:
    found = find_entities(
        "Năm Đinh Dậu, đội tuyển Thái Lan sang Hà Lan. Người dân quận Hà Đông và quận Hoàng Mai "
        "xem Real Madrid đá La Liga."
    )
    assert found.people == ()
    assert {"Thái Lan", "Hà Lan", "Hà Đông", "Hoàng Mai"} <= set(found.places)
    assert "Đinh Dậu" not in found.places


def test_a_district_written_alone_is_a_place() -> None:
    assert find_entities("Cháy lớn ở Hà Đông tối qua.").places == ("Hà Đông",)


def test_every_form_of_ho_chi_minh_city_is_one_place() -> None:
    forms = [
        "TP.HCM",
        "TP HCM",
        "Tp.HCM",
        "TPHCM",
        "TP. HCM",
        "TP Hồ Chí Minh",
        "Thành phố Hồ Chí Minh",
        "thành phố Hồ Chí Minh",
        "TP. Hồ Chí Minh",
    ]
    for form in forms:
        found = find_entities(f"Mưa lớn ở {form} chiều nay.")
        assert found.places == ("TP Hồ Chí Minh",), form
        assert found.people == (), form
    assert find_entities("Sở Y tế TP.HCM họp cùng UBND TP HCM.").organisations == (
        "Sở Y tế TP Hồ Chí Minh",
        "UBND TP Hồ Chí Minh",
    )


def test_ho_chi_minh_the_person_stays_a_person() -> None:
    found = find_entities("Học tập tấm gương đạo đức Chủ tịch Hồ Chí Minh.")
    assert found.people == ("Hồ Chí Minh",) and found.places == ()


def test_one_organisation_whatever_its_case_and_lowercase_common_nouns_are_not_values() -> None:
    assert find_entities("Chính phủ trình Quốc hội dự án.").organisations == ("Chính phủ", "Quốc hội")
    # An article that only says "governments" and "parliaments" names neither body.
    assert find_entities("Ông nói chính phủ các nước và quốc hội nhiều nơi cũng vậy.").organisations == ()


def test_ministries_have_their_full_name_whatever_the_short_form() -> None:
    found = find_entities(
        "Bộ Kế hoạch và Đầu tư, Bộ KH&ĐT và Bộ Kế hoạch - Đầu tư cùng Bộ GD&ĐT, Bộ Giáo dục, "
        "Bộ Văn hóa - Thể thao và Du lịch, Bộ LĐ-TB&XH và Bộ Công thương họp."
    )
    assert found.organisations == (
        "Bộ Kế hoạch và Đầu tư",
        "Bộ Giáo dục và Đào tạo",
        "Bộ Văn hóa, Thể thao và Du lịch",
        "Bộ Lao động - Thương binh và Xã hội",
        "Bộ Công Thương",
    )


def test_administrative_bodies_are_not_cut_short() -> None:
    found = find_entities(
        "UBND TP. Hà Nội và Ủy ban nhân dân thành phố Hà Nội, UBND Nghệ An, Công an tỉnh Nghệ An."
    )
    assert found.organisations == ("UBND TP Hà Nội", "UBND tỉnh Nghệ An", "Công an tỉnh Nghệ An")
    chairman = find_entities("Chủ tịch UBND TP Nguyễn Đức Chung phát biểu.")
    assert chairman.organisations == () and chairman.people == ("Nguyễn Đức Chung",)


def test_a_department_is_named_as_its_ministry_is() -> None:
    found = find_entities(
        "Sở GTVT Hà Nội và Sở Giao thông vận tải Hà Nội cùng Sở Văn hóa và Thể thao Hà Nội."
    )
    assert found.organisations == ("Sở Giao thông vận tải Hà Nội", "Sở Văn hóa và Thể thao Hà Nội")


def test_a_name_with_and_inside_is_not_cut_short() -> None:
    assert find_entities("Sở Kế hoạch và Đầu tư tỉnh Nghệ An.").organisations == ("Sở Kế hoạch và Đầu tư",)
    assert find_entities("Bộ Tài chính và Bộ Công an.").organisations == ("Bộ Tài chính", "Bộ Công an")


def test_a_kind_of_body_without_a_name_is_no_value() -> None:
    found = find_entities("Trường THPT tổ chức thi, Công ty TNHH nộp thuế, Ban Quản lý dự án họp.")
    assert found.organisations == ()
    assert find_entities("Trường THPT Chu Văn An khai giảng.").organisations == ("Trường THPT Chu Văn An",)


def test_peace_is_not_the_province() -> None:
    found = find_entities("Người dân mong hòa bình. Tỉnh Hòa Bình có mưa; Hòa Bình đón khách.")
    assert found.places == ("Hòa Bình",)


def test_foreign_names_after_a_title_are_people() -> None:
    found = find_entities(
        "Tổng thống Mỹ Donald Trump tiếp Thủ tướng Thái Lan Prayuth Chan-o-cha. HLV Park Hang-seo và "
        "ca sĩ Hari Won dự tiệc cùng ông George W. Bush."
    )
    assert found.people == (
        "Donald Trump",
        "Prayuth Chan-o-cha",
        "Park Hang-seo",
        "Hari Won",
        "George W. Bush",
    )
    assert found.places == ("Mỹ", "Thái Lan")
    assert find_entities("Donald Trump và Hari Won.").people == ()  # no title, no Vietnamese family name


def test_a_given_name_after_a_title_is_not_a_place_nor_a_value() -> None:
    found = find_entities("Luật sư Đức nói với chị Nga rằng HLV Hữu Thắng đã về.")
    assert found.places == () and found.people == ()


def test_a_one_syllable_country_stands_alone_mid_sentence() -> None:
    assert find_entities("Đội tuyển Anh thắng Pháp, còn Mỹ Tâm hát.").places == ("Anh", "Pháp")
    assert find_entities("Anh ấy học tiếng Anh.").places == ()


def test_streets_and_two_syllable_names_alone_are_not_people() -> None:
    found = find_entities(
        "Nhà ở đường Nguyễn Trãi, gần Bệnh viện Bạch Mai và Hồ Tây, số 12 Trần Hưng Đạo. "
        "Ngập ở các tuyến đường Trường Sơn, Phạm Văn Đồng và giao lộ Tô Ngọc Vân – Lê Văn Việt."
    )
    assert found.people == ()
    assert "Bệnh viện Bạch Mai" in found.organisations


def test_the_facet_benchmark_counts_the_shipped_corpus() -> None:
    from click.testing import CliRunner

    from benchmarks import entity_facets

    corpus = Path(__file__).resolve().parent.parent / "corpus"
    arguments = ["--articles", str(corpus), "--workers", "1", "--top", "3", "--json"]
    result = CliRunner().invoke(entity_facets.main, arguments)
    assert result.exit_code == 0, result.output
    results = json.loads(result.stdout)
    assert results["articles"] == 5 and results["problems"] == 0
    assert results["top"]["organisations"][0] == {"value": "Ban Tổ chức Trung ương", "count": 5}
    assert {"value": "Trương Thị Mai", "count": 3} in results["top"]["people"]
    assert results["entities_cpu_ms_per_article"] > 0


def test_a_korean_name_is_one_value_however_it_is_spelled() -> None:
    found = find_entities(
        "Tổng thống Moon Jae In, ông Moon Jae-In và Tổng thống Moon Jae-in. Bà Kim Ngọc Lan đến."
    )
    assert found.people == ("Moon Jae-in", "Kim Ngọc Lan")
