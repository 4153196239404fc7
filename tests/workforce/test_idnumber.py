"""GB 11643 ID numbers: check character, old numbers, Excel damage, masking, protection."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workforce.idnumber import (
    IdNumberError,
    birth_month,
    check_character,
    decrypt,
    encrypt,
    lookup_hash,
    mask,
    parse_id_number,
)

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def test_valid_number_from_the_standard_is_accepted(env):
    n = parse_id_number("11010519491231002X")
    assert n.value == "11010519491231002X"
    assert n.birth_date == dt.date(1949, 12, 31)
    assert n.gender == "female"


def test_lower_case_x_is_normalised(env):
    assert parse_id_number("11010519491231002x").value == "11010519491231002X"


def test_wrong_check_character_is_refused_with_the_expected_one(env):
    with pytest.raises(IdNumberError) as err:
        parse_id_number("130402198207290622")
    assert "校验位" in err.value.zh and "check character" in err.value.en


def test_old_fifteen_digit_number_is_upgraded(env):
    assert parse_id_number("110105491231002").value == "11010519491231002X"


@pytest.mark.parametrize("cell", [110105491231002.0, 110105491231002])
def test_old_fifteen_digit_number_in_a_number_cell_is_upgraded(env, cell):
    """Excel keeps a typed 15-digit number exactly (a double holds 15 digits); it was refused
    as a number whose "last digits are lost", and the clerk told to type it again."""
    assert parse_id_number(cell).value == "11010519491231002X"


@pytest.mark.parametrize(
    "mangled", [4.41602198709011e17, "4.41602E+17", "4.41602198709011E+17", 44160219870901.0]
)
def test_number_mangled_by_excel_is_caught_and_named(env, mangled):
    with pytest.raises(IdNumberError) as err:
        parse_id_number(mangled)
    assert "Excel" in err.value.zh


def test_impossible_birth_date_is_refused(env):
    first17 = "44160219870230123"
    with pytest.raises(IdNumberError, match="impossible birth date"):
        parse_id_number(first17 + check_character(first17))


@given(
    area=st.sampled_from(["441602", "110105", "440304"]),
    birth=st.dates(dt.date(1940, 1, 1), dt.date(2010, 12, 31)),
    seq=st.integers(0, 999),
)
def test_any_number_with_its_check_character_round_trips(area, birth, seq):
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    number = parse_id_number(first17 + check_character(first17))
    assert number.birth_date == birth
    assert number.gender == ("male" if seq % 2 else "female")
    wrong = next(c for c in "0123456789X" if c != number.value[-1])
    with pytest.raises(IdNumberError):
        parse_id_number(first17 + wrong)


def test_masked_shows_no_character_of_the_number(env):
    """Every character hidden: the area follows from the school, the birth date's month is
    shown beside it, the check character from the rest (docs/security.md)."""
    assert mask("11010519491231002X") == "*" * 18
    assert birth_month(dt.date(1949, 12, 31)) == "1949-12"
    assert birth_month("1949-12-31") == "1949-12" and birth_month(None) is None


def test_protected_value_decrypts_and_hash_is_stable(env):
    token = encrypt("11010519491231002X")
    assert "1101051949" not in token
    assert decrypt(token) == "11010519491231002X"
    assert encrypt("11010519491231002X") != token  # random nonce
    assert lookup_hash("11010519491231002X") == lookup_hash("11010519491231002X")


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_character_is_the_iso_7064_mod_11_2_of_the_digits(first17):
    weights = [2 ** (17 - i) % 11 for i in range(17)]  # the standard's W_i = 2^(i-1) mod 11
    expected = "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]
    assert check_character(first17) == expected
    assert check_character(first17.translate(FULL_WIDTH)) == expected


def test_check_character_refuses_what_is_not_17_digits():
    for wrong in ("4416021987023012", "4416021987023012a"):
        with pytest.raises(ValueError):
            check_character(wrong)
