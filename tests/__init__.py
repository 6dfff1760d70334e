from pathlib import Path

#: The repository's root: the working directory of every replica and crawl subprocess.
ROOT = Path(__file__).resolve().parent.parent
