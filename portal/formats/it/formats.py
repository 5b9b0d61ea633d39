"""Italian dates as the portal writes them everywhere: "9 gennaio 2025", "giugno 2023" (no zero padding;
the lowercase months come from locale/it, Django's catalog capitalises them). Templates use these
names (``|date:"DATE_FORMAT"``), models ``formats.date_format(value, "DATE_FORMAT")``: one answer."""
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
