"""Recommender: encoder, outcome index, skill matching, gap analysis, ranking and pathway planning."""
