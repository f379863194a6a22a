"""Signed webhooks (Standard Webhooks): endpoints operators manage (endpoints), the worker's
consumer and attempts with their retry schedule (delivery), signing (signing) and outbound HTTP
that refuses private networks (net). docs/rules/events.md is the contract for receivers."""
