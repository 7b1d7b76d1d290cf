"""Insights from activity: reports and their renderers (pure)."""
