from planner.domain.french_numbers import decimal, integer, percent


def test_integers_and_decimals_are_written_the_french_way() -> None:
    assert integer(15256) == "15\u202f256"
    assert integer(7) == "7"
    assert decimal(1.456, 2) == "1,46"
    assert decimal(0.1, 1) == "0,1"
    assert decimal(12345.5, 1) == "12\u202f345,5"


def test_percentages_are_written_the_french_way() -> None:
    assert percent(0.001) == "0,1\u202f%"
    assert percent(0.5, 0) == "50\u202f%"
    assert percent(12.3456, 2) == "1\u202f234,56\u202f%"
