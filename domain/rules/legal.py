"""Legal qualification of harmful content: the Code penal article and the French
wording a notice cites to explain why the content is illegal (DSA Art. 16(2)(a))."""

from typing import NamedTuple

from domain.items import LegalQualification


class Offence(NamedTuple):
    article: str
    label_fr: str


OFFENCES: dict[LegalQualification, Offence] = {
    LegalQualification.CYBERHARASSMENT: Offence(
        "222-33-2-2", "harcèlement moral en ligne (cyberharcèlement)"
    ),
    LegalQualification.INTIMATE_IMAGE_WITHOUT_CONSENT: Offence(
        "226-2-1", "diffusion sans consentement d'images à caractère sexuel"
    ),
    LegalQualification.BLACKMAIL: Offence("312-10", "chantage"),
    LegalQualification.IDENTITY_THEFT: Offence("226-4-1", "usurpation d'identité"),
    LegalQualification.HACKING: Offence(
        "323-1", "accès frauduleux à un système de traitement automatisé de données"
    ),
    LegalQualification.CHILD_SEXUAL_ABUSE_MATERIAL: Offence(
        "227-23", "image ou représentation pédopornographique d'un mineur"
    ),
    LegalQualification.SEXUAL_SOLICITATION_OF_MINOR: Offence(
        "227-22-1",
        "propositions sexuelles faites à un mineur par un moyen de communication électronique",
    ),
    LegalQualification.PROSTITUTION_OF_MINOR: Offence(
        "225-12-1", "recours à la prostitution d'un mineur"
    ),
    LegalQualification.PORNOGRAPHY_SEEN_BY_MINORS: Offence(
        "227-24", "message pornographique ou violent susceptible d'être vu par un mineur"
    ),
    LegalQualification.INCITEMENT_TO_SUICIDE: Offence("223-13", "provocation au suicide"),
}


def explanation_fr(qualification: LegalQualification) -> str:
    """The substantiated explanation a notice carries, in French."""
    offence = OFFENCES[qualification]
    return (
        f"Ce contenu constitue l'infraction de {offence.label_fr}, prévue et réprimée par "
        f"l'article {offence.article} du Code pénal. Il porte atteinte à un mineur et a été "
        "qualifié par le 3018, signaleur de confiance (article 22 du règlement (UE) 2022/2065)."
    )
