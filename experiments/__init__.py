"""Experiments on the model: scenarios, single runs, sweeps, sensitivity, reports and the CLI."""
