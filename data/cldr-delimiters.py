"""Writes CLDR's quotation marks per locale as compact JSON (see README.md)."""
import json
import os
import sys

main = sys.argv[1]
marks = {}
for locale in sorted(os.listdir(main)):
    path = os.path.join(main, locale, "delimiters.json")
    if os.path.exists(path):
        d = json.load(open(path, encoding="utf-8"))["main"][locale]["delimiters"]
        marks[locale] = [d["quotationStart"], d["quotationEnd"],
                         d["alternateQuotationStart"], d["alternateQuotationEnd"]]
parent = lambda locale: locale.rsplit("-", 1)[0] if "-" in locale else None
kept = {k: v for k, v in marks.items() if not (parent(k) and marks.get(parent(k)) == v)}
print(json.dumps(kept, ensure_ascii=False, separators=(",", ":"), sort_keys=True))
