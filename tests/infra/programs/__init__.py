"""Pulumi programs the infra tests evaluate besides the real `__main__.py`."""
