"""Typed data for every capture netparse reads; see each module for one family of commands."""

from netparse.models.base import Capture, MacAddress, Model, UnparsedLine

__all__ = ["Capture", "MacAddress", "Model", "UnparsedLine"]
