"""The rtarabic spider lives in rtarabic.spiders.rtarabic."""
