"""Measuring the work: the KPIs, performance scores, deductions and training, the quarterly
review, charts and exports."""
