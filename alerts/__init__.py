"""Alerts on any search: a saved search mailed as a digest of what is new (issue 19).

A member, or a visitor who confirms an e-mail address, saves the words and facets of a
search. On Elasticsearch each saved search is a query in a percolator index (``percolator``),
built by the search page's own query builder; every document the indexing outbox writes is
percolated in bulk and what matches is recorded (``matching``). On the database a periodic
task asks the same question of the pages published since the last run. A daily or weekly
task mails the matches (``digest``), with a one-click unsubscribe. Whoever receives it only
ever sees what ``cms.visibility.visible`` lets them see.
"""
