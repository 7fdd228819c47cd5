"""Platform and partner adapters: a typed contract per capability and a registry.

Domain code never imports an adapter: it asks the registry by slug.
"""
