"""The daily report: the sum of every area's sections and alerts."""
