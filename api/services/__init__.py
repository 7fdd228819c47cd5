"""What the routes delegate to: plain async functions and classes with no FastAPI
import, so they can be reused by a CLI or another front end and tested alone."""
