"""Render: turn tables and plans into what people read.

``display`` shapes search results for tables and detail views (plain labels, availability
age); ``callscript`` writes the questions to ask a facility; ``crisis`` holds the crisis lines
shown everywhere; ``pdf`` is the shared page frame of every PDF; ``exports`` writes shortlists
as CSV, Excel and PDF; ``packet`` prints the readiness packet; ``calendar`` writes the
intervention as .ics. Export functions are pure: a frame or a plan in, bytes out.
"""
