"""A young person's live stream lasts a time drawn for it, within the chat's stream
length: pages opened together (a class told about the helpline, a restart of the API)
then reconnect spread over half a minute instead of all in the same second."""

from application.conversations.live import stream_length


def test_streams_last_between_half_and_all_of_the_stream_length() -> None:
    lengths = [stream_length(60.0) for _ in range(200)]
    assert all(30.0 <= length <= 60.0 for length in lengths)
    # Spread over the range, not bunched: each third of it holds some of them.
    thirds = {int((length - 30.0) // 10.0) for length in lengths}
    assert thirds >= {0, 1, 2}
