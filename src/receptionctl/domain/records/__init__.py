"""The office's records: the procedure's change record and readers (manual), documents and the
lending register, attachments, retention and erasure."""
