"""The citizen portal's editorial content: guidance pages and FAQ."""
