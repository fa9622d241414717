"""The domain of the portail famille, framework-free.

It knows organisations, families, children and accounts, and asks its ports
(`famille.ports`) for time, storage, rule decisions and notifications.
"""
