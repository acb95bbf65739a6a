"""Backwards-compatible name of the template model composer (older docs say ``DefaultModelComposer``)."""

from maze.perception.models.template_model_composer import TemplateModelComposer

DefaultModelComposer = TemplateModelComposer

__all__ = ["DefaultModelComposer"]
