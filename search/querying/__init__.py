"""Answering a search: the request/result contract, the user query syntax, the Elasticsearch
backend and the database backend that speak it, facets, highlighting and the URL parameters.

Sits on ``search.engine`` and ``search.corpus``; never imports ``search.indexing``.
Views and other apps search through ``search.service``.
"""
