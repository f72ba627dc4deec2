"""The letters that stand for reviewers where their names must not appear: A, B, C...

The ranking, the deliberation pages, a reviewer's view of the other reviews and the dossier book
all letter reviews the same way, so that "review B" means one thing wherever it is read.
"""

from string import ascii_uppercase


def anonymous_letter(index):
    """The letter of the review at `index` (from 0): A to Z, then A1, B1... so that no two
    reviews of a dossier share a letter, however many there are."""
    letter = ascii_uppercase[index % 26]
    return letter if index < 26 else f"{letter}{index // 26}"
