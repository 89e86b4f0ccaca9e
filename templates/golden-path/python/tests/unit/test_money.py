from app.domain.money import MAX_AMOUNT_MINOR, is_currency_code, is_minor_amount


def test_accepts_iso_4217_style_codes_only() -> None:
    assert is_currency_code("EUR")
    for bad in ["eur", "EU", "EURO", "E1R", "", "EUR\n", None, 978]:
        assert not is_currency_code(bad), bad


def test_accepts_positive_whole_minor_amounts_up_to_the_maximum() -> None:
    assert is_minor_amount(1)
    assert is_minor_amount(MAX_AMOUNT_MINOR)
    for bad in [0, -1, 1.5, 1.0, MAX_AMOUNT_MINOR + 1, float("nan"), True, "100", None]:
        assert not is_minor_amount(bad), bad
