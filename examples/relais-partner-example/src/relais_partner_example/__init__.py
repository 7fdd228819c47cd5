"""Example Relais plugin: one platform (Acme Social) and one partner (Entraide
Jeunes, a regional victim-support association). See docs/adding-a-partner.md."""
