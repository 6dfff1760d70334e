"""Project commands. ``crawl`` here replaces Scrapy's so that run health decides the exit status."""
