"""To-dos of the training app, one module per area; each registers its providers when imported."""

from .._modules import present

present("todos")
