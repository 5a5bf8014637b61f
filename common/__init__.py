"""The bottom layer: error types, API plumbing and helpers every app may use. No models."""
