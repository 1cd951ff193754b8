"""Vietnamese text helpers."""
import re
import unicodedata


def fold(text):
    """Lower case without accents or extra spaces: "Sở  Nội vụ" -> "so noi vu".

    đ/Đ are letters of their own in Unicode, not d with a mark, so they are
    mapped by hand.
    """
    decomposed = unicodedata.normalize("NFD", text or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = bare.replace("đ", "d").replace("Đ", "D")
    return re.sub(r"\s+", " ", bare).strip().lower()
