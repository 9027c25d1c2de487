"""The property-based test harness: strategies, fakes, the job workflow state machine, and
``contracts``: every port's contract suite as a pytest base class (needs the ``testing`` extra)."""
