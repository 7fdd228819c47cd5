"""The words of the pre-chat form's choices (English source, translated where shown)."""

from chat.i18n import N_

WRITERS = [
    ("young_person", N_("Me: it is about me")),
    ("parent", N_("A parent")),
    ("professional", N_("A professional (teacher, educator…)")),
]
AGE_WORDS = {
    "under_11": N_("Under 11"),
    "11_14": N_("11 to 14"),
    "15_17": N_("15 to 17"),
    "18_25": N_("18 to 25"),
    "adult": N_("Over 25"),
}
