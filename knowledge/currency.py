"""Reference exchange rates used to compare prices across currencies.

Price caps are exact filters, so the conversion must be explicit and reproducible: a fixed table of
units per euro (approximate mid-market values, dated below), not a live feed. Operators with other needs
can pass their own table to the recommender.
"""

from __future__ import annotations

from enum import StrEnum

RATES_AS_OF = "2026-11-01"

# Units of each currency per 1 EUR.
EUR_RATES: dict[str, float] = {
    "EUR": 1.0,
    "USD": 1.08,
    "GBP": 0.85,
    "CHF": 0.95,
    "SEK": 11.4,
    "NOK": 11.7,
    "DKK": 7.46,
    "PLN": 4.30,
    "CZK": 25.2,
    "HUF": 395.0,
    "RON": 4.97,
    "BGN": 1.956,
    "MYR": 4.85,
    "IDR": 17400.0,
    "THB": 37.5,
    "SGD": 1.45,
    "PHP": 62.0,
    "VND": 27300.0,
    "INR": 91.0,
    "CNY": 7.75,
    "JPY": 165.0,
    "KRW": 1480.0,
    "AUD": 1.65,
    "NZD": 1.80,
    "CAD": 1.48,
    "BRL": 6.0,
    "MXN": 19.5,
    "ZAR": 19.8,
    "TRY": 37.0,
    "AED": 3.97,
}


def is_known(currency: str) -> bool:
    return currency in EUR_RATES


def convert(amount: float, from_currency: str, to_currency: str, rates: dict[str, float] | None = None) -> float:
    table = rates or EUR_RATES
    if from_currency == to_currency:
        return amount
    try:
        return amount / table[from_currency] * table[to_currency]
    except KeyError as exc:
        raise ValueError(f"unknown currency {exc.args[0]!r}; known: {', '.join(sorted(table))}") from None


# The currencies Stackwise converts, as a type for request models (documented as an enum in the API schema).
CurrencyCode = StrEnum("CurrencyCode", {code: code for code in sorted(EUR_RATES)})  # type: ignore[misc]
