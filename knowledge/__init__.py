"""Knowledge: the micro-credential catalog, ESCO vocabulary and the store."""
