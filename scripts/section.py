"""Rewrites one generated section of a Markdown file.

    python3 scripts/section.py FILE NAME SECTION

SECTION is the new text, from "<!-- NAME:begin" to "<!-- NAME:end -->"; it
replaces the old one, or goes before the file's second "## " heading when
there is none. The benchmark scripts write their sections of
docs/BENCHMARKS.md with it.
"""
import sys

path, name, section = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(path, encoding="utf-8").read()
b, e = "<!-- %s:begin" % name, "<!-- %s:end -->" % name
if b in text and e in text:
    i, j = text.index(b), text.index(e) + len(e)
    text = text[:i] + section + text[j:]
else:
    k = text.index("\n## ")
    text = text[:k] + "\n\n" + section + "\n" + text[k:]
open(path, "w", encoding="utf-8").write(text)
