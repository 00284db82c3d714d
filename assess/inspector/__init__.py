"""The inspector's pages (issue 11): the caseload first; review, compare, validate, queries and the evidence
pack follow."""
