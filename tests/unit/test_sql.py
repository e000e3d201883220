from lib.sql import marks


def test_one_placeholder_per_value():
    assert marks(["a", "b", "c"]) == "?, ?, ?"
    assert marks(("a",)) == "?"
    assert marks([]) == ""
