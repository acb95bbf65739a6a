"""Template model builders (architecture templates for the TemplateModelComposer)."""

from maze.perception.builders.base import BaseModelBuilder
from maze.perception.builders.concat import ConcatModelBuilder

__all__ = ["BaseModelBuilder", "ConcatModelBuilder"]
