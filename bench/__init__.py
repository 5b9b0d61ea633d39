"""Benchmarks of the portal: ``make bench`` (or ``python -m bench`` with the services in the environment).

Each figure is measured next to its baseline in the same run, because the machine is
noisy; the report gives both and their ratio. One module per figure:

    reindex.py     full reindex through search_reindex vs raw helpers.bulk (and Wagtail's update_index)
    publish.py     publish -> searchable latency with a running Celery worker
    search.py      search and autocomplete latency vs Elasticsearch ``took`` and Wagtail's elasticsearch8 backend
    pages.py       server time and SQL query count of the public pages
    load.py        gunicorn under 50 concurrent clients
    newsletter.py  edition build/render, sending through an SMTP sink vs a raw smtplib loop, worker memory

Benchmarks are not tests: they report, they assert nothing.
"""
