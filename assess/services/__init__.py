"""The middle floor: what one page, PDF, CSV or (later) API answer needs, assembled once.

Views and report builders call these; these call assess.data for rows and the pure packages (scoring,
benchmarking, charts) for the sums. Nothing here renders HTML or builds a query.
"""
