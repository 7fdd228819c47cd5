"""The counsellor console: web pages counsellors and supervisors use all day, served
under ``/console`` by the API process.

Server-rendered HTML (Jinja2, gettext catalogues through Babel) with a little of our
own JavaScript for live updates. Every page calls the same services as the JSON
routes (``api.services``) and adds no business rule: a refusal comes from the case
workflow or the API's schemas, and is shown next to the field it names.
"""
