"""Hostile tests of the running service: what an attacker would try, over loopback."""
