"""Interfaces the kernel owns; adapters implement them. One port per module."""
