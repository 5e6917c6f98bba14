"""Sources of stub packages that do more than carry a marker (built into wheels by the catalogue)."""
