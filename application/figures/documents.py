"""A period's figures as files: the yearly report and the platform scorecard as CSV
(a line per figure, for a spreadsheet) or PDF (tables and the charts), named after
the period. Each door serves them its own way (the API to a bearer token, the
console to its signed-in people); pages are the doors' own."""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from application.figures.pdf import report_pdf, scorecard_pdf
from application.figures.platform_scorecard import PlatformScorecard, scorecard_csv
from application.figures.trusted_flagger_report import TrustedFlaggerReport, report_csv

FileFormat = Literal["csv", "pdf"]
FILE_FORMATS: dict[str, FileFormat] = {"csv": "csv", "pdf": "pdf"}


@dataclass(frozen=True)
class FigureFile:
    body: bytes
    media_type: str
    filename: str
    inline: bool  # a PDF opens in the browser; a CSV file is downloaded

    @property
    def disposition(self) -> str:
        return f'{"inline" if self.inline else "attachment"}; filename="{self.filename}"'


def file_name(stem: str, since: datetime, until: datetime, extension: str) -> str:
    return f"relais-{stem}-{since.date().isoformat()}-{until.date().isoformat()}.{extension}"


def report_file(
    report: TrustedFlaggerReport, format: FileFormat, since: datetime, until: datetime
) -> FigureFile:
    name = file_name("trusted-flagger", since, until, format)
    if format == "csv":
        return FigureFile(report_csv(report).encode(), "text/csv; charset=utf-8", name, False)
    return FigureFile(report_pdf(report), "application/pdf", name, True)


def scorecard_file(
    card: PlatformScorecard, format: FileFormat, since: datetime, until: datetime
) -> FigureFile:
    name = file_name("platform-scorecard", since, until, format)
    if format == "csv":
        return FigureFile(scorecard_csv(card).encode(), "text/csv; charset=utf-8", name, False)
    return FigureFile(scorecard_pdf(card), "application/pdf", name, True)
