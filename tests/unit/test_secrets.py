import pytest

from receptionctl.domain.core.secrets import Cipher, clean_id_number, mask, new_key
from receptionctl.errors import BadInput, StorageError


def test_mask_keeps_first_and_last_four():
    assert mask("110101199003077777") == "1101" + "*" * 10 + "7777"
    assert mask("1234567890123456") == "1234********3456"


@pytest.mark.parametrize("value", ["E12345678", "C12345678DE", "12345678", "1234567", "ABC", "X"])
def test_short_numbers_keep_at_least_half_hidden(value):
    masked = mask(value)
    assert len(masked) == len(value)
    assert masked.count("*") * 2 >= len(value)


def test_round_trip_and_wrong_key():
    a, b = Cipher(new_key(), "a"), Cipher(new_key(), "b")
    token = a.encrypt("110101199003077777")
    assert "1101" not in token
    assert a.decrypt(token) == "110101199003077777"
    with pytest.raises(StorageError, match="does not open"):
        b.decrypt(token)


def test_bad_key_is_a_clear_error():
    with pytest.raises(StorageError, match="not a valid key"):
        Cipher("not-a-key", "RECEPTIONCTL_KEY")


@pytest.mark.parametrize("value", ["", "   ", "12;DROP", "x" * 65])
def test_bad_id_numbers(value):
    with pytest.raises(BadInput):
        clean_id_number(value)
