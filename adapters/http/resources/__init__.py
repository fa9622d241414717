"""Thin Falcon resources: read the request, call one use case, write the answer.

Each declares `auth` (see `famille.adapters.http.auth`).
"""
