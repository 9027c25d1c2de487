"""The property-based test harness: strategies, fakes and the job workflow state machine."""
