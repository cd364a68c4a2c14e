"""Services: the only code that writes the store. The CLI and the TUI call these."""
