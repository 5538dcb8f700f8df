"""The signed PDF report: an A4 Simplified Chinese rendering of one scored assessment."""
