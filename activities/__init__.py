"""Every side effect of a case: notices, handoffs, case records, tasks."""
