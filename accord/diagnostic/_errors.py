"""The diagnostic's errors, under Accord's one base::

AccordError
 └── DiagnosticError   a round cannot be recorded (already answered, file in the way)
      └── BadAnswers   the answers or options are unusable (count, range, team, date)
"""

from __future__ import annotations

from accord.domain.errors import AccordError


class DiagnosticError(AccordError):
    """A round of the diagnostic cannot be recorded; the message says why, on one line."""


class BadAnswers(DiagnosticError):
    """Answers or options that cannot be used: the wrong number of scores, a score
    outside 1–5, an unknown team or questionnaire, a bad date."""
