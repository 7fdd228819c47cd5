"""Configuration files shared by the adapter tests."""

EMAIL_PARTNER = """
[[adapter]]
slug = "ligue-idf"
display_name = "Ligue d'aide aux victimes IDF"
kind = "victim_support"
channel = "email"
sandbox_to = ["sandbox@ligue.example"]

[adapter.smtp]
host = "{host}"
port = {port}
security = "none"
username = "relais"
password = "${{LIGUE_SMTP_PASSWORD}}"

[adapter.message]
from = "orientation@3018.example"
to = ["accueil@ligue.example"]
subject = "Orientation 3018 ${{package.referral_id}}"
body = \"\"\"Bonjour,
Le 3018 vous oriente une victime (cas ${{package.case_id}}).
Tranche d'age : ${{package.age_band}}
Categories : ${{package.categories}}
Urgence : ${{package.urgency}}
Base legale : ${{package.legal_basis}}
Motif : ${{package.reason}}
Test : ${{test}}
\"\"\"
"""


def email_partner(host: str = "127.0.0.1", port: int | str = 2525) -> str:
    return EMAIL_PARTNER.format(host=host, port=port)
