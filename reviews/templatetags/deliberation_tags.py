"""Scores as the deliberation pages show them: 14.50 -> "14,5" in French, "14.5" in English."""

from django import template

from common.formats import score

register = template.Library()

register.filter("score", score)
