"""The detectors: one small module per family, each a pure function from a period's facts and
the rules to :class:`~devfocus.insights.insight.Insight` objects (see ``insights/detection.py``)."""
