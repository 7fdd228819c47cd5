"""Personal data: the only models allowed to carry names, phone numbers, handles
and free text. The payload codec encrypts them and the retention purge erases
them; nothing here may reach a search attribute, a log line or a span."""

from pydantic import BaseModel, ConfigDict, Field


class PersonalData(BaseModel):
    """Marker base class for models that hold personal data."""

    model_config = ConfigDict(extra="forbid")


class ContactDetails(PersonalData):
    """Who the young person is and how to reach them, as given at intake."""

    first_name: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=320)
    handles: list[str] = Field(default_factory=list, max_length=50)
    free_text: str | None = Field(
        default=None, max_length=10_000, description="The counsellor's notes in their own words"
    )
    callback_instructions: str | None = Field(
        default=None, max_length=1000, description='e.g. "never on the family phone"'
    )


class ItemLocation(PersonalData):
    """Where a harmful item is: its URL, account or message id. A location often
    names the victim or the author, so it is personal data."""

    url: str | None = Field(default=None, max_length=2048)
    account: str | None = Field(default=None, max_length=200)
    message_id: str | None = Field(default=None, max_length=200)
