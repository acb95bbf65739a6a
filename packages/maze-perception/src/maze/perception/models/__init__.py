"""Model composers, policy/critic composers, built-in networks and the spaces config."""

from maze.perception.models.custom_model_composer import CustomModelComposer
from maze.perception.models.model_composer import BaseModelComposer
from maze.perception.models.space_config import SpacesConfig
from maze.perception.models.template_model_composer import TemplateModelComposer

__all__ = ["BaseModelComposer", "CustomModelComposer", "SpacesConfig", "TemplateModelComposer"]
