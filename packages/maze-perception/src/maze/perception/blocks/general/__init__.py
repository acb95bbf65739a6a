"""General purpose perception blocks."""
