"""The counsellor console: web pages counsellors and supervisors use all day, served
under ``/console`` by the API process.

Server-rendered HTML (Jinja2, gettext catalogues through Babel) with a little of our
own JavaScript for live updates. Every page calls the same services of the
application layer as the JSON routes (``application``), never the API itself, and
adds no business rule: who may act is the service's rule, a refusal comes from the
case workflow or the service's request, and is shown next to the field it names.
"""
