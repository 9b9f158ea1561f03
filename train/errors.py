"""Errors of the training stage; the CLI prints them as one line and exits 2.

They derive from :class:`dermkg.errors.DermkgError`, the root package's, so one handler serves every
command; ``train`` still imports nothing of ``kg`` (it runs on a GPU box holding only the exported files).
"""

from __future__ import annotations

from dermkg.errors import DermkgError


class TrainError(DermkgError):
    """Base class: a problem the user can fix (bad config, bad data, missing dependency)."""


class TrainConfigError(TrainError):
    """A config file that cannot be used; the message names the file and the field."""


class TrainDataError(TrainError):
    """A dataset file or row that cannot be used; the message names the file and the row id."""
