"""Routers: each owns its prefix and tags; ``api.app`` includes them all."""
