"""Which hash-blocking service fits an intimate-image case. Both keep the image on
the young person's device and share only its hash with participating platforms:
NCMEC's Take It Down for images taken before 18, StopNCII for adults."""

from pydantic import BaseModel

from domain.intake import AgeBand, Category

_INTIMATE = frozenset({Category.INTIMATE_IMAGE, Category.SEXTORTION})
_MINOR_BANDS = frozenset({AgeBand.UNDER_11, AgeBand.AGE_11_14, AgeBand.AGE_15_17})


class HashRoute(BaseModel):
    service: str
    url: str
    why: str


TAKE_IT_DOWN = HashRoute(
    service="Take It Down (NCMEC)",
    url="https://takeitdown.ncmec.org",
    why="intimate image of a minor: the hash, not the image, is shared with platforms",
)
STOP_NCII = HashRoute(
    service="StopNCII",
    url="https://stopncii.org",
    why="intimate image of an adult: the hash, not the image, is shared with platforms",
)


def hash_routes(categories: list[Category], age_band: AgeBand) -> list[HashRoute]:
    """The services to point the young person to; empty when none applies. An
    unknown age (or 18-25: images may date from before 18) gets both."""
    if not _INTIMATE.intersection(categories):
        return []
    if age_band in _MINOR_BANDS:
        return [TAKE_IT_DOWN]
    if age_band is AgeBand.ADULT:
        return [STOP_NCII]
    return [TAKE_IT_DOWN, STOP_NCII]
