"""Errors of the training stage; the CLI prints them as one line and exits 2.

``train`` does not import ``kg`` (it runs on a GPU box that holds only the exported files), so it has
its own small hierarchy rather than ``kg.errors``.
"""

from __future__ import annotations


class TrainError(Exception):
    """Base class: a problem the user can fix (bad config, bad data, missing dependency)."""


class TrainConfigError(TrainError):
    """A config file that cannot be used; the message names the file and the field."""


class TrainDataError(TrainError):
    """A dataset file or row that cannot be used; the message names the file and the row id."""
