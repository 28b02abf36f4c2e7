from indexer.entities import find_entities


def test_people_places_and_organisations() -> None:
    found = find_entities(
        "Phát biểu tại Hội nghị, đồng chí Trương Thị Mai – Ủy viên Bộ Chính trị, Trưởng Ban Tổ chức "
        "Trung ương ghi nhận. Bí thư Thành uỷ Hải Phòng Lê Tiến Châu dự hội nghị cùng đồng chí Ksor Tuối, "
        "Sở Nội vụ tỉnh Nghệ An và UBND xã Nga Sơn."
    )
    assert set(found.people) == {"Trương Thị Mai", "Lê Tiến Châu", "Ksor Tuối"}
    assert set(found.places) == {"Hải Phòng", "Nghệ An", "Nga Sơn"}
    assert {"Bộ Chính trị", "Ban Tổ chức Trung ương", "Thành ủy Hải Phòng", "Sở Nội vụ"} <= set(found.organisations)


def test_names_do_not_run_across_punctuation_or_into_the_next_name() -> None:
    found = find_entities("Sáng nay, tại Hà Nội, Ban Tổ chức Trung ương họp. Bí thư Tỉnh ủy Đỗ Trọng Hưng phát biểu.")
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
