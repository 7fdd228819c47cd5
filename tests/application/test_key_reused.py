"""Every door refuses a retry key sent again for something else in one way: the same
code, and a message naming where the key came from (the header, or a path part that
stands for one, such as a WhatsApp message's ``seq`` for the file it carried)."""

from application.errors import key_reused


def test_a_key_sent_in_the_header_is_named_as_the_header() -> None:
    [refused] = key_reused("note").problems
    assert (refused.loc, refused.code) == (("header", "Idempotency-Key"), "idempotency_key_reused")
    assert refused.msg == "Idempotency-Key: already used for another note"


def test_a_path_part_that_stands_for_a_key_is_named_as_itself() -> None:
    [refused] = key_reused("file", loc=("path", "seq")).problems
    assert (refused.loc, refused.code) == (("path", "seq"), "idempotency_key_reused")
    assert refused.msg == "seq: already used for another file"
