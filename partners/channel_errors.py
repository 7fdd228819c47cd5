"""What a conversation channel raises, beside :mod:`partners.errors`.

Sending: every error is a :class:`TransientAdapterError` (retry, after ``retry_after``
when the channel gave one) or a :class:`PermanentAdapterError` (a person's task), so the
activity layer treats channels like partners; the subclasses tell the caller more:

- :class:`RateLimitedError`: the channel throttles us (transient);
- :class:`OutcomeUnknownError`: the request may have reached the channel (a timeout
  after sending, a 5xx): look for a status carrying the message key before sending again;
- :class:`OutsideWindowError`: the customer-service window is closed; not retried, the
  caller offers an approved template;
- :class:`MediaTooLargeError`: a media file over the caller's limit;
- :class:`MediaGoneError`: the channel no longer has the media (deleted, past its
  retention, its signed URL expired): asking again will not bring it back.

Receiving: :class:`WebhookRefused` and its subclasses, raised before anything is parsed
or stored, each with the HTTP status the door answers.
"""

from datetime import timedelta

from partners.errors import AdapterError, PermanentAdapterError, TransientAdapterError


class RateLimitedError(TransientAdapterError):
    """The channel's rate limit: retry after ``retry_after`` if given, else back off."""


class OutcomeUnknownError(TransientAdapterError):
    """The request went out but no answer came back (timeout, connection cut, 5xx): the
    channel may have taken the message. Meta has no idempotency key, so before sending
    again, look for a status webhook carrying this message's key."""

    def __init__(self, message: str, retry_after: timedelta | None = None) -> None:
        super().__init__(message, retry_after)


class OutsideWindowError(PermanentAdapterError):
    """More than the channel's window since the young person last wrote: a free-form
    message is refused. Do not retry; offer the counsellor an approved template."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class MediaTooLargeError(PermanentAdapterError):
    """The media is larger than the limit the caller set; nothing more is read."""


class MediaGoneError(PermanentAdapterError):
    """The channel no longer serves this media: deleted, past its retention (Meta keeps
    a young person's media for a limited time), or a signed URL past its expiry. Only
    the young person sending it again brings it back."""


class WebhookRefused(AdapterError):
    """An inbound webhook refused before anything in it was parsed or stored. ``status``
    is what the door answers (Meta retries anything but a 200)."""

    status = 400


class WebhookSignatureInvalid(WebhookRefused):
    """The signature is missing or does not match the body's HMAC."""

    status = 401


class WebhookTokenMismatch(WebhookRefused):
    """The subscription handshake named another verify token (or no subscription)."""

    status = 403


class WebhookTooLarge(WebhookRefused):
    """The body is over the configured limit: not even its signature is checked."""

    status = 413


class WebhookMalformed(WebhookRefused):
    """Signed, but not the channel's format (not JSON, a required field missing)."""

    status = 400


class WebhookUnknownRecipient(WebhookRefused):
    """Addressed to a business number or page this channel does not serve."""

    status = 403
