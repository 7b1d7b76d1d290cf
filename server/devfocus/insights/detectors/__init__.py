"""The detectors: one small module per family, each a pure function from a period's facts and
the rules to :class:`~devfocus.insights.model.Insight` objects (see ``insights/engine.py``)."""
