"""Stackwise: the composition root (settings and command line) that wires knowledge, recommender and api."""
