"""The assessor's planned visits: plan packages from the commission, and starting a visit."""
