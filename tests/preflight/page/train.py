"""Stands for the sample repository's training code, which reads its settings from the environment."""

import os

import wandb  # wandb reads WANDB_API_KEY itself

wandb.init(project="acme")
print(f"saving the model to {os.environ['MODEL_REGISTRY']}")
