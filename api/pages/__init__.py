"""Pages for people: the yearly trusted-flagger report and the platform scorecard as
HTML with server-drawn SVG charts, and as PDF. They render the figures the JSON
routes return and count nothing themselves."""
