"""Needs assessments (نیازسنجی): surveys of a neighbourhood's (or a county's) residents, their
questions, each resident's response with its answers, and the record a closed survey leaves for
each neighbourhood (when, how many answered, the top needs).

A response names its respondent only so that a resident answers once and can stop and resume;
no report or result ever reads `SurveyResponse.person_id`.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.identity import _enum


class SurveyStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class QuestionKind(enum.StrEnum):
    SINGLE = "single"  # one option
    MULTI = "multi"  # one or more options
    SCALE = "scale"  # 1 to 5
    TEXT = "text"  # a short text


class Survey(Base):
    """A needs assessment: for one neighbourhood (`neighbourhood_id` set) or for every
    neighbourhood of a county (`neighbourhood_id` None); `county_id` is always set, so a county's
    surveys are one query. Residents answer until the end of `closes_on` (Tehran)."""

    __tablename__ = "survey"
    __table_args__ = (Index("ix_survey_due", "status", "closes_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id", ondelete="CASCADE"), index=True)
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("neighbourhood.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(150))
    closes_on: Mapped[date]
    status: Mapped[SurveyStatus] = mapped_column(_enum(SurveyStatus, "survey_status"))
    # None when the operator created it at the command line.
    created_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class SurveyQuestion(Base):
    __tablename__ = "survey_question"
    __table_args__ = (UniqueConstraint("survey_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    # 1, 2, … in the order residents are asked.
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(300))
    kind: Mapped[QuestionKind] = mapped_column(_enum(QuestionKind, "question_kind"))
    # The options of a single or multiple choice question, in order; empty for the others.
    options: Mapped[list[str]] = mapped_column(JSON, default=list)


class SurveyResponse(Base):
    """One resident's answers to one survey, begun when they pressed «start»."""

    __tablename__ = "survey_response"
    __table_args__ = (UniqueConstraint("survey_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    # Only to answer once and to resume; never shown (see the module's docstring).
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    # The respondent's neighbourhood, so a county survey's needs are known per neighbourhood.
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhood.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]


class SurveyAnswer(Base):
    """The answer to one question: option indexes (single, multi), a 1–5 value (scale) or a text;
    or that the question was skipped."""

    __tablename__ = "survey_answer"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_response.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_question.id", ondelete="CASCADE"), index=True)
    choices: Mapped[list[int] | None] = mapped_column(JSON)
    scale: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    answered_at: Mapped[datetime]


class NeedsAssessment(Base):
    """«Needs assessment done»: what a closed survey recorded for a neighbourhood whose residents
    answered it (one row per neighbourhood and survey; the latest is the neighbourhood's current
    assessment)."""

    __tablename__ = "needs_assessment"
    __table_args__ = (UniqueConstraint("neighbourhood_id", "survey_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhood.id", ondelete="CASCADE"), index=True
    )
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    # The Tehran date the survey closed.
    done_on: Mapped[date]
    respondents: Mapped[int] = mapped_column(Integer)
    # The most chosen options, most chosen first (`services.surveys.closing.top_needs`).
    top_needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]
