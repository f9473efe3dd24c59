"""The leaves every area stands on: the clock and the company's calendar, the policy, the state
machines (lifecycle), the vocabulary, who may do what (access), the audit log, the secrets and
keys, finding records, alerts as data, the notification outbox."""
