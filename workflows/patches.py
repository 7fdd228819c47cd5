"""Ids of ``workflow.patched`` guards: each marks a change that running cases
recorded before it must not see (their histories replay the old path). Never
reuse or rename an id; remove one only once no history without it can be running."""

REOPEN_WINDOW = "case-reopen-window"  # a closed case waits for reopening before completing
ABANDON_CHILDREN = "case-children-abandon"  # children outlive a run (continue-as-new)
FINAL_PROGRESS = "child-final-progress"  # children say when they are done, by signal
RETENTION_SCHEDULE = "case-retention-schedule"  # closing a case schedules its purge
CONCURRENT_CHILD_STARTS = "case-concurrent-child-starts"  # items of one update start together
EMERGENCY_TOGETHER = "case-emergency-referrals-together"  # police and 119 start at once
UNCHECKABLE_CONTENT = "notice-uncheckable-content"  # a permanent check error is not "online"
REFERRAL_FINAL_PROGRESS = "referral-final-progress"  # referrals say when they are done
REFERRALS_CARRY_OVER = "case-referrals-carry-over"  # continue as new with referrals open
CANCEL_AFTER_SIGNAL = "child-cancel-after-signal"  # a cancel swallowed by a signal is raised
UPDATES_AFTER_OPENING = "case-updates-after-opening"  # first-task updates wait for _open
