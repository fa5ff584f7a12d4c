"""Reports: terminal tables, Markdown/HTML and plots (plotting libraries imported lazily)."""
