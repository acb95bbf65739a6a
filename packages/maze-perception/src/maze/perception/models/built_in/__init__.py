"""Built-in networks usable with the CustomModelComposer."""
